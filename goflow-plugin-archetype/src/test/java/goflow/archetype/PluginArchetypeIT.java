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
 * through their Metatype PIDs, and removes it again. The project is generated from unusual but valid
 * values (a package part that is a keyword plus {@code _}, dashes, dots and digits in the names); bad
 * values fail the generation itself, naming the property, the value and the rule.
 */
class PluginArchetypeIT {
    private static final String VERSION = System.getProperty("goflow.version", "0.1.0-SNAPSHOT");
    private static final Path REPO = Path.of(System.getProperty("goflow.archetype.repo", "target/it-repo"))
            .toAbsolutePath();
    private static final Path WORK = Path.of(System.getProperty("goflow.archetype.work", "target/it-work"))
            .toAbsolutePath();
    private static final Path CONTAINER = Path.of(System.getProperty("goflow.container.jar",
            "../goflow.dist/target/goflow.jar"));
    // Unusual but valid inputs: a package with a part that is a keyword plus '_', an artifactId (the
    // Bundle-SymbolicName) with a dot, a dash and a digit, stage and source names with dashes and digits.
    private static final String PACKAGE = "com.example.new_";
    private static final String ARTIFACT = "example.plugin-2";
    private static final String STAGE = "reverse-text";
    private static final String SOURCE = "word-list2";

    @Test
    void aGeneratedPluginBuildsIsABundleOfGoflowApiOnlyAndHotDeploysIntoTheContainer() throws Exception {
        delete(WORK);
        Files.createDirectories(WORK);
        Path settings = settings();

        mvn(WORK, settings, "generate.log", generate("-DgroupId=com.example.goflow", "-DartifactId=" + ARTIFACT,
                "-Dpackage=" + PACKAGE, "-DstageName=" + STAGE, "-DsourceName=" + SOURCE));
        Path project = WORK.resolve(ARTIFACT);
        Path sources = project.resolve("src/main/java/" + PACKAGE.replace('.', '/'));
        for (String f : List.of("ReverseStage", "ReverseConfig", "WordsSource", "WordsConfig", "package-info")) {
            assertTrue(Files.isRegularFile(sources.resolve(f + ".java")), f);
        }
        assertTrue(Files.readString(sources.resolve("ReverseStage.java"))
                .contains("public static final String NAME = \"" + STAGE + "\";"));
        // The configuration PIDs, as the generated javadoc tells the user to name their files.
        String stagePid = pid(sources.resolve("ReverseConfig.java"));
        String sourcePid = pid(sources.resolve("WordsConfig.java"));

        // Its sources compile without a warning (-Xlint:all) on the JDK that runs this test.
        String build = mvn(project, settings, "build.log", "verify", "-Dmaven.compiler.failOnWarning=true");
        // The generated unit tests ran, and passed.
        Matcher tests = Pattern.compile("(?m)^\\[INFO\\] Tests run: (\\d+), Failures: 0, Errors: 0, Skipped: 0$")
                .matcher(build);
        assertTrue(tests.find(), build);
        assertEquals(12, Integer.parseInt(tests.group(1)), build);

        Path jar = project.resolve("target/" + ARTIFACT + "-1.0.0.jar");
        assertIsABundleOfGoflowApiOnly(jar, stagePid, sourcePid);
        hotDeploy(jar, stagePid, sourcePid);
    }

    /**
     * Bad values, in batch mode: the generation fails with a message naming the property, the value and
     * the rule, and leaves no project behind (instead of generating one that javac or bnd fails on later).
     */
    @Test
    void badValuesFailTheGenerationNamingThePropertyTheValueAndTheRuleAndLeaveNothing() throws Exception {
        Path dir = WORK.resolve("bad-values");
        delete(dir);
        Files.createDirectories(dir);
        Path settings = settings();
        String names = "must match ^[a-z][a-z0-9-]*$ (a lower-case ASCII letter, then lower-case ASCII letters, "
                + "digits and dashes)";
        assertGenerationFails(dir, settings, "keyword", List.of("-DgroupId=com.example", "-Dpackage=com.example.new"),
                "package 'com.example.new' is not a Java package name: each dot-separated part must be a Java "
                        + "identifier that is not a keyword ('new' is not)");
        assertGenerationFails(dir, settings, "dashed-group", List.of("-DgroupId=com.my-company"),
                "package 'com.my-company' is not a Java package name", "('my-company' is not)",
                "(it defaults to the groupId: set -Dpackage)");
        assertGenerationFails(dir, settings, "names", List.of("-DgroupId=com.example", "-DstageName=My Stage",
                "-DsourceName=a\"b"), "stageName 'My Stage' " + names, "sourceName 'a\"b' " + names);
        assertGenerationFails(dir, settings, "bsn", List.of("-DgroupId=com.example", "-DartifactId=my..plugin"),
                "artifactId 'my..plugin' is the Bundle-SymbolicName and must match");
        assertGenerationFails(dir, settings, "same-pid", List.of("-DgroupId=com.example", "-DstageName=word-list",
                "-DsourceName=wordlist"), "stageName 'word-list' and sourceName 'wordlist' give the same configuration "
                        + "PID com.example.wordlist");
    }

    /** Runs a generation with {@code values} in {@code dir}/{@code name}; asserts it failed with each message, leaving nothing. */
    private static void assertGenerationFails(Path dir, Path settings, String name, List<String> values,
            String... messages) throws Exception {
        Path in = Files.createDirectories(dir.resolve(name));
        List<String> args = new ArrayList<>(values);
        if (values.stream().noneMatch(v -> v.startsWith("-DartifactId="))) {
            args.add("-DartifactId=bad-plugin");
        }
        Result r = run(in, settings, "bad-values-" + name + ".log", generate(args.toArray(String[]::new)));
        assertTrue(r.exit != 0, () -> "the generation of " + values + " succeeded:\n" + r.output);
        for (String m : messages) {
            assertTrue(r.output.contains(m), () -> "no '" + m + "' in:\n" + r.output);
        }
        try (Stream<Path> left = Files.list(in)) {
            List<Path> files = left.collect(Collectors.toList());
            assertTrue(files.isEmpty(), () -> "left behind: " + files);
        }
    }

    /** The arguments of an {@code archetype:generate} of this archetype in batch mode, with {@code values} added. */
    private static String[] generate(String... values) {
        List<String> args = new ArrayList<>(List.of("org.apache.maven.plugins:maven-archetype-plugin:"
                        + System.getProperty("goflow.archetype.version", "3.4.1") + ":generate",
                "-DarchetypeGroupId=dev.goflow", "-DarchetypeArtifactId=goflow-plugin-archetype",
                "-DarchetypeVersion=" + VERSION, "-DarchetypeCatalog=internal", "-DinteractiveMode=false",
                "-Dversion=1.0.0"));
        args.addAll(List.of(values));
        return args.toArray(String[]::new);
    }

    /** The value of {@code String PID = "...";} in a generated configuration type. */
    private static String pid(Path configType) throws IOException {
        Matcher m = Pattern.compile("String PID = \"([^\"]+)\";").matcher(Files.readString(configType));
        assertTrue(m.find(), configType::toString);
        return m.group(1);
    }

    private static void assertIsABundleOfGoflowApiOnly(Path jar, String stagePid, String sourcePid) throws IOException {
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
            assertTrue(j.getEntry("OSGI-INF/metatype/" + stagePid + ".xml") != null, stagePid);
            assertTrue(j.getEntry("OSGI-INF/metatype/" + sourcePid + ".xml") != null, sourcePid);
        }
    }

    /** The package names of an Import-Package header (attributes and quoted ranges removed). */
    private static List<String> packages(String header) {
        String plain = header.replaceAll("\"[^\"]*\"", "");
        return Arrays.stream(plain.split(",")).map(c -> c.split(";")[0].trim()).collect(Collectors.toList());
    }

    private static void hotDeploy(Path jar, String stagePid, String sourcePid) throws Exception {
        Path dir = WORK.resolve("container");
        Files.createDirectories(dir);
        try (Container c = Container.start(CONTAINER, dir)) {
            String before = c.poll("echo (goflow:stages)", s -> s.contains("trim"));
            assertFalse(before.contains(STAGE), before);
            // Its HTTP is on the free loopback port the test gave it, not on the default 8080.
            assertServesMetrics(c);
            Path deploy = dir.resolve("deploy");

            // A pipeline of stage names, one of them from the plugin that is not there yet.
            Files.writeString(deploy.resolve("goflow.pipeline-reversed.config"),
                    "name=\"reversed\"\nstages=[\"trim\",\"" + STAGE + "\"]\n");
            String waiting = c.poll("echo (goflow:run reversed ' hello ')", s -> s.contains("failed"));
            assertTrue(waiting.contains(STAGE), waiting);

            Path deployed = deploy.resolve(ARTIFACT + ".jar");
            Files.copy(jar, deployed);
            String stages = c.poll("echo (goflow:stages)", s -> s.contains(STAGE));
            assertTrue(stages.matches("(?s).*\\b" + Pattern.quote(STAGE) + " +goflow\\.api\\.pipeline\\.Stage +"
                    + Pattern.quote(ARTIFACT) + " .*"), stages);
            String ran = c.poll("echo (goflow:run reversed ' hello ')", s -> s.contains("succeeded"));
            assertTrue(ran.matches("(?s).*\\breversed +succeeded +olleh .*"), ran);
            String sourceList = c.run("echo (goflow:sources)");
            assertTrue(sourceList.matches("(?s).*\\b" + Pattern.quote(SOURCE) + " +true .*" + Pattern.quote(ARTIFACT) + ".*"),
                    sourceList);
            String words = c.run("echo (goflow:stream " + SOURCE + " 5)");
            assertTrue(words.matches("(?s).*\\R1 +alpha\\R2 +beta\\R3 +gamma\\R.*") && !words.contains("4 "), words);

            // Both are configured through their Metatype PIDs, like any goflow plugin: deploy/<PID>.cfg, as the
            // generated javadoc says (a dash in the file name would make it a factory configuration).
            Files.writeString(deploy.resolve(stagePid + ".cfg"), "upperCase = true\n");
            String upper = c.poll("echo (goflow:run reversed ' hello ')", s -> s.contains("OLLEH"));
            assertTrue(upper.contains("succeeded"), upper);
            Files.writeString(deploy.resolve(sourcePid + ".config"), "words=[\"one\",\"two\"]\nrepeat=L\"2\"\n");
            String configured = c.poll("echo (goflow:stream " + SOURCE + " 10)", s -> s.contains("one"));
            assertTrue(configured.matches("(?s).*\\R1 +one\\R2 +two\\R3 +one\\R4 +two\\R.*") && !configured.contains("5 "),
                    configured);

            // Removing the jar takes the stage away; the pipeline fails at once, naming it.
            Files.delete(deployed);
            String without = c.poll("echo (goflow:stages)", s -> !s.contains(STAGE) && s.contains("trim"));
            assertFalse(without.contains(ARTIFACT), without);
            String missing = c.run("echo (goflow:run reversed ' hello ')");
            assertTrue(missing.contains("failed") && missing.contains(STAGE), missing);
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
        Files.createDirectories(WORK);
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

    /** Runs Maven in {@code dir} with the IT's settings and local repository; asserts it succeeded, returns its output. */
    private static String mvn(Path dir, Path settings, String logName, String... args) throws Exception {
        Result r = run(dir, settings, logName, args);
        assertEquals(0, r.exit, () -> "mvn " + String.join(" ", args) + " failed:\n" + r.output);
        return r.output;
    }

    /** A Maven run's exit code and output. */
    private static final class Result {
        final int exit;
        final String output;

        Result(int exit, String output) {
            this.exit = exit;
            this.output = output;
        }
    }

    /** Runs Maven in {@code dir} with the IT's settings and local repository. */
    private static Result run(Path dir, Path settings, String logName, String... args) throws Exception {
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
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
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
