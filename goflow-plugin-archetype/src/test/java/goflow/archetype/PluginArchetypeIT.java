package goflow.archetype;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The archetype end to end, as a plugin author uses it: generates a project from the archetype
 * built by this module (offline: the archetype, goflow.api and their parent POM come from
 * {@code target/it-repo}, everything else from the build's local repository, read only), builds
 * it with its unit tests, checks that the jar is a bundle importing goflow.api only, then copies
 * it into the {@code deploy/} folder of a running goflow container and uses its stage in a
 * configured pipeline ({@code goflow:run}) and its source ({@code goflow:stream}), configures both
 * through their Metatype PIDs, and removes it again.
 */
class PluginArchetypeIT {
    private static final String VERSION = System.getProperty("goflow.version", "0.1.0-SNAPSHOT");
    private static final Path REPO = Path.of(System.getProperty("goflow.archetype.repo", "target/it-repo"))
            .toAbsolutePath();
    private static final Path WORK = Path.of(System.getProperty("goflow.archetype.work", "target/it-work"))
            .toAbsolutePath();
    private static final Path CONTAINER = Path.of(System.getProperty("goflow.container.jar",
            "../goflow.dist/target/goflow.jar"));
    private static final String PACKAGE = "com.example.goflow.plugin";
    private static final String ARTIFACT = "example-plugin";

    @Test
    void aGeneratedPluginBuildsIsABundleOfGoflowApiOnlyAndHotDeploysIntoTheContainer() throws Exception {
        delete(WORK);
        Files.createDirectories(WORK);
        Path settings = settings();

        mvn(WORK, settings, "generate.log",
                "org.apache.maven.plugins:maven-archetype-plugin:"
                        + System.getProperty("goflow.archetype.version", "3.4.1") + ":generate",
                "-DarchetypeGroupId=dev.goflow", "-DarchetypeArtifactId=goflow-plugin-archetype",
                "-DarchetypeVersion=" + VERSION, "-DarchetypeCatalog=internal", "-DinteractiveMode=false",
                "-DgroupId=com.example.goflow", "-DartifactId=" + ARTIFACT, "-Dversion=1.0.0",
                "-Dpackage=" + PACKAGE);
        Path project = WORK.resolve(ARTIFACT);
        Path sources = project.resolve("src/main/java/" + PACKAGE.replace('.', '/'));
        for (String f : List.of("ReverseStage", "ReverseConfig", "WordsSource", "WordsConfig", "package-info")) {
            assertTrue(Files.isRegularFile(sources.resolve(f + ".java")), f);
        }
        assertTrue(Files.readString(sources.resolve("ReverseStage.java")).contains("public static final String NAME = \"reverse\";"));

        String build = mvn(project, settings, "build.log", "verify");
        // The generated unit tests ran, and passed.
        Matcher tests = Pattern.compile("(?m)^\\[INFO\\] Tests run: (\\d+), Failures: 0, Errors: 0, Skipped: 0$")
                .matcher(build);
        assertTrue(tests.find(), build);
        assertEquals(9, Integer.parseInt(tests.group(1)), build);

        Path jar = project.resolve("target/" + ARTIFACT + "-1.0.0.jar");
        assertIsABundleOfGoflowApiOnly(jar);
        hotDeploy(jar);
    }

    private static void assertIsABundleOfGoflowApiOnly(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            Attributes m = j.getManifest().getMainAttributes();
            assertEquals(ARTIFACT, m.getValue("Bundle-SymbolicName"));
            assertNull(m.getValue("Export-Package"), "a plugin exports nothing");
            List<String> imports = packages(m.getValue("Import-Package"));
            for (String p : imports) {
                assertTrue(p.startsWith("goflow.api.") || p.startsWith("java."), () -> "imports " + p + ": " + imports);
            }
            assertTrue(imports.containsAll(List.of("goflow.api.pipeline", "goflow.api.stream", "goflow.api.context")),
                    imports::toString);
            assertTrue(m.getValue("Require-Capability").contains("osgi.extender=osgi.component"));
            String components = m.getValue("Service-Component");
            assertTrue(components.contains(PACKAGE + ".ReverseStage") && components.contains(PACKAGE + ".WordsSource"),
                    components);
            assertTrue(j.getEntry("OSGI-INF/metatype/" + PACKAGE + ".reverse.xml") != null);
            assertTrue(j.getEntry("OSGI-INF/metatype/" + PACKAGE + ".words.xml") != null);
        }
    }

    /** The package names of an Import-Package header (attributes and quoted ranges removed). */
    private static List<String> packages(String header) {
        String plain = header.replaceAll("\"[^\"]*\"", "");
        return Arrays.stream(plain.split(",")).map(c -> c.split(";")[0].trim()).collect(Collectors.toList());
    }

    private static void hotDeploy(Path jar) throws Exception {
        Path dir = WORK.resolve("container");
        Files.createDirectories(dir);
        try (Container c = Container.start(CONTAINER, dir)) {
            String before = c.poll("echo (goflow:stages)", s -> s.contains("trim"));
            assertFalse(before.contains("reverse"), before);
            // Its HTTP is on the free loopback port the test gave it, not on the default 8080.
            assertServesMetrics(c);
            Path deploy = dir.resolve("deploy");

            // A pipeline of stage names, one of them from the plugin that is not there yet.
            Files.writeString(deploy.resolve("goflow.pipeline-reversed.config"),
                    "name=\"reversed\"\nstages=[\"trim\",\"reverse\"]\n");
            String waiting = c.poll("echo (goflow:run reversed ' hello ')", s -> s.contains("failed"));
            assertTrue(waiting.contains("reverse"), waiting);

            Path deployed = deploy.resolve(ARTIFACT + ".jar");
            Files.copy(jar, deployed);
            String stages = c.poll("echo (goflow:stages)", s -> s.contains("reverse"));
            assertTrue(stages.matches("(?s).*\\breverse +goflow\\.api\\.pipeline\\.Stage +" + ARTIFACT + " .*"), stages);
            String ran = c.poll("echo (goflow:run reversed ' hello ')", s -> s.contains("succeeded"));
            assertTrue(ran.matches("(?s).*\\breversed +succeeded +olleh .*"), ran);
            String sourceList = c.run("echo (goflow:sources)");
            assertTrue(sourceList.matches("(?s).*\\bwords +true .*" + ARTIFACT + ".*"), sourceList);
            String words = c.run("echo (goflow:stream words 5)");
            assertTrue(words.matches("(?s).*\\R1 +alpha\\R2 +beta\\R3 +gamma\\R.*") && !words.contains("4 "), words);

            // Both are configured through their Metatype PIDs, like any goflow plugin.
            Files.writeString(deploy.resolve(PACKAGE + ".reverse.cfg"), "upperCase = true\n");
            String upper = c.poll("echo (goflow:run reversed ' hello ')", s -> s.contains("OLLEH"));
            assertTrue(upper.contains("succeeded"), upper);
            Files.writeString(deploy.resolve(PACKAGE + ".words.config"), "words=[\"one\",\"two\"]\nrepeat=L\"2\"\n");
            String configured = c.poll("echo (goflow:stream words 10)", s -> s.contains("one"));
            assertTrue(configured.matches("(?s).*\\R1 +one\\R2 +two\\R3 +one\\R4 +two\\R.*") && !configured.contains("5 "),
                    configured);

            // Removing the jar takes the stage away; the pipeline fails at once, naming it.
            Files.delete(deployed);
            String without = c.poll("echo (goflow:stages)", s -> !s.contains("reverse") && s.contains("trim"));
            assertFalse(without.contains(ARTIFACT), without);
            String missing = c.run("echo (goflow:run reversed ' hello ')");
            assertTrue(missing.contains("failed") && missing.contains("reverse"), missing);
            assertEquals(0, c.stop(), c::output);
        }
    }

    /** Polls the container's {@code /metrics} on its free loopback port until it answers 200 (bounded wait). */
    private static void assertServesMetrics(Container c) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        URI metrics = URI.create("http://127.0.0.1:" + c.httpPort() + "/metrics");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Container.TIMEOUT_SECONDS);
        String last = "nothing listening";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10))
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && r.body().contains("goflow_")) {
                    return;
                }
                last = r.statusCode() + " " + r.body();
            } catch (IOException e) {
                last = e.toString();
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("no /metrics on " + metrics + ": " + last + "\n" + c.output());
    }

    /**
     * Maven settings for the nested builds: the build's local repository is their only remote
     * repository (read as a file repository; nothing is written to it), so they run offline.
     */
    private static Path settings() throws IOException {
        String local = Path.of(System.getProperty("goflow.localRepository",
                System.getProperty("user.home") + "/.m2/repository")).toUri().toString();
        String repo = "<id>central</id><url>" + local + "</url>"
                + "<releases><checksumPolicy>ignore</checksumPolicy></releases><snapshots><enabled>false</enabled></snapshots>";
        Path settings = WORK.resolve("settings.xml");
        Files.writeString(settings, String.join("\n",
                "<settings>",
                "  <profiles>",
                "    <profile>",
                "      <id>build-local</id>",
                "      <repositories><repository>" + repo + "</repository></repositories>",
                "      <pluginRepositories><pluginRepository>" + repo + "</pluginRepository></pluginRepositories>",
                "    </profile>",
                "  </profiles>",
                "  <activeProfiles><activeProfile>build-local</activeProfile></activeProfiles>",
                "</settings>", ""));
        return settings;
    }

    /** Runs Maven in {@code dir} with the IT's settings and local repository; returns its output. */
    private static String mvn(Path dir, Path settings, String logName, String... args) throws Exception {
        Path home = Path.of(System.getProperty("maven.home", "/usr/share/maven"));
        Path mvn = home.resolve("bin/mvn");
        List<String> cmd = new ArrayList<>(List.of(Files.isExecutable(mvn) ? mvn.toString() : "mvn", "-B", "-ntp",
                "-s", settings.toString(), "-Dmaven.repo.local=" + REPO));
        cmd.addAll(List.of(args));
        Path log = WORK.resolve(logName);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = pb.start();
        try {
            assertTrue(p.waitFor(10, TimeUnit.MINUTES), () -> "mvn " + String.join(" ", args) + " did not end");
        } finally {
            p.destroyForcibly();
        }
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> "mvn " + String.join(" ", args) + " failed:\n" + out);
        return out;
    }

    private static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                    Files.delete(p);
                }
            }
        }
    }
}
