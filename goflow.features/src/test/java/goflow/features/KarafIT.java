package goflow.features;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The features repository in a real Apache Karaf 4.4 (the distribution fetched by Maven, unpacked
 * afresh, started once for the class with its own loopback ports, stopped at the end): the three
 * commands of the README install goflow and every bundle goes Active; the goflow commands work in
 * Karaf's console; configurations in {@code etc/} create primitives and pipelines; a stage plugin
 * updated with {@code bundle:update} or stopped behaves as in the goflow container; a wrong-typed value
 * in {@code etc/} is logged and changes nothing; last, {@code feature:uninstall} of every goflow
 * feature leaves no goflow bundle or thread, and {@code feature:install} brings all back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KarafIT {
    private static final String FEATURES = "goflow goflow-shell goflow-plugins goflow-web goflow-redis goflow-redis-streams";
    private static final String VERSION = System.getProperty("goflow.version", "0.1.0-SNAPSHOT");
    private static final List<String> BUNDLES = List.of("goflow.api", "goflow.impl", "goflow.shell",
            "goflow.plugin.text", "goflow.plugin.records", "goflow.plugin.codec", "goflow.plugin.sources",
            "goflow.metrics", "goflow.web", "org.apache.felix.http.jetty", "org.apache.felix.healthcheck.core",
            "goflow.redis.streams", "goflow.redis", "redis.clients.jedis");
    /** The free loopback port goflow-web's HTTP listens on (etc/org.apache.felix.http.cfg). */
    private int httpPort;

    private Karaf karaf;

    @BeforeAll
    void startKarafAndInstallTheFeatures() throws Exception {
        Path repo = Path.of(System.getProperty("goflow.karaf.repo", "target/karaf-repo"));
        // The features repository as the artifact dev.goflow:goflow.features:xml:features.
        Path features = repo.resolve("dev/goflow/goflow.features/" + VERSION + "/goflow.features-" + VERSION
                + "-features.xml");
        Files.createDirectories(features.getParent());
        Files.copy(Path.of(System.getProperty("goflow.features.file", "target/feature/features.xml")), features,
                StandardCopyOption.REPLACE_EXISTING);
        // Fails (not skips) when -Dgoflow.karaf.java.home names no JDK 11 to 21, or none is found and
        // -Dgoflow.karaf.required=true (.ci/run): CI must not go green without Karaf having run.
        java.util.Optional<Path> javaHome = Karaf.supportedJavaHome();
        assumeTrue(javaHome.isPresent(), "Karaf 4.4 runs on Java " + Karaf.OLDEST_SUPPORTED_JAVA + " to "
                + Karaf.NEWEST_SUPPORTED_JAVA + " and none is installed beside " + System.getProperty("java.home")
                + " (set -D" + Karaf.JAVA_HOME_PROPERTY + ", or -D" + Karaf.REQUIRED_PROPERTY
                + "=true to fail instead of skipping)");
        karaf = Karaf.start(Path.of(System.getProperty("goflow.karaf.distribution",
                "target/karaf-dist/apache-karaf.tar.gz")), Path.of(System.getProperty("goflow.karaf.work",
                "target/karaf-it")), repo, Path.of(System.getProperty("goflow.karaf.localRepository",
                System.getProperty("user.home") + "/.m2/repository")), javaHome.get());

        // The console is up once Karaf's own feature commands are.
        karaf.poll("feature:repo-list", out -> out.contains("standard-"));
        String added = karaf.run("feature:repo-add mvn:dev.goflow/goflow.features/" + VERSION + "/xml/features");
        assertFalse(added.contains("Error"), added);
        httpPort = Karaf.freePort();
        Files.writeString(karaf.home().resolve("etc/org.apache.felix.http.cfg"),
                "org.apache.felix.http.host = 127.0.0.1\norg.osgi.service.http.port = " + httpPort + "\n");
        String installed = karaf.run("feature:install " + FEATURES);
        assertFalse(installed.contains("Error"), installed);
    }

    @AfterAll
    void stopKaraf() throws Exception {
        if (karaf != null) {
            karaf.close();
        }
    }

    @Test
    void theFeaturesAreInstalledAndEveryGoflowBundleIsActive() throws Exception {
        String features = karaf.run("feature:list -i");
        for (String f : List.of("goflow ", "goflow-shell ", "goflow-plugins ", "goflow-web ", "goflow-redis ",
                "goflow-redis-streams ", "scr ")) {
            assertTrue(features.lines().anyMatch(l -> l.startsWith(f) && l.contains("Started")),
                    () -> f + "is not started:\n" + features);
        }
        String bundles = karaf.poll("bundle:list -s", out -> BUNDLES.stream().allMatch(b -> active(out, b)));
        for (String b : BUNDLES) {
            assertTrue(active(bundles, b), () -> b + " is not Active:\n" + bundles);
        }
    }

    private static boolean active(String bundleList, String symbolicName) {
        // bundle:list -s rows: ID │ State │ Lvl │ Version │ Symbolic name
        return bundleList.lines().anyMatch(l -> l.matches(".*[|\u2502]\\s*Active\\s*[|\u2502].*[|\u2502]\\s*"
                + Pattern.quote(symbolicName) + "\\s*"));
    }

    @Test
    void goflowWebServesMetricsTheDashboardAndHealthOnTheConfiguredLoopbackPort() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + httpPort;
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        java.net.http.HttpResponse<String> metrics = null;
        while (System.nanoTime() < deadline) {
            try {
                metrics = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/metrics")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                if (metrics.statusCode() == 200) {
                    break;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        java.net.http.HttpResponse<String> m = metrics;
        assertTrue(m != null && m.statusCode() == 200, () -> "no /metrics on " + base + ": " + (m == null ? "-" : m.body()));
        assertTrue(m.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                m.headers().toString());
        String state = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/goflow/api/state"))
                .build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(state.contains("\"primitives\":[") && state.contains("\"name\":\"trim\""), state);
        String health = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base
                + "/system/health?format=json&tags=goflow")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(health.contains("goflow worker pools") && health.contains("goflow limiters"), health);
    }

    @Test
    void theGoflowCommandsPrintTheirTablesInKarafsConsole() throws Exception {
        String stages = karaf.poll("goflow:stages", out -> out.contains("sha256"));
        for (String stage : List.of("trim", "upper", "parse-kv", "format-kv", "sha256", "base64-encode")) {
            assertTrue(stages.contains(stage), () -> "goflow:stages lacks " + stage + ":\n" + stages);
        }
        assertTrue(stages.contains("goflow.plugin.text") && stages.contains("goflow.plugin.codec"), stages);
        String sources = karaf.poll("goflow:sources", out -> out.contains("orders"));
        assertTrue(sources.contains("counter") && sources.contains("lines"), sources);
        String stream = karaf.run("goflow:stream counter 3");
        assertTrue(stream.matches("(?s)#\\s+element\\n1\\s+1\\n2\\s+2\\n3\\s+3\\n"), stream);
        // Karaf's help runs the command with --help and shows what it prints
        String help = karaf.run("help goflow:stats");
        assertTrue(help.contains("goflow:stats <name>") && help.contains("show every statistic of one primitive")
                && help.contains("show every live goflow primitive with its statistics"), help);
        String rateHelp = karaf.run("goflow:rate --help");
        assertTrue(rateHelp.contains("goflow:rate <name> <eventsPerSecond>"), rateHelp);
        // goflow-redis-streams: its command answers, with no consumer configured (no Redis is needed for that)
        String streams = karaf.run("goflow:redisstreams");
        assertTrue(streams.contains("no redis stream consumers"), streams);
    }

    @Test
    void aConfigurationInEtcCreatesAPrimitiveThatGoflowStatsShowsChangesItLiveAndDeletingItClosesIt() throws Exception {
        Path cfg = karaf.home().resolve("etc/goflow.tokenbucket-api.cfg");
        Files.writeString(cfg, "rate = 100\nburst = 200\n", StandardCharsets.UTF_8);
        String stats = karaf.poll("goflow:stats", out -> out.contains("token-bucket"));
        Matcher row = Pattern.compile("(?m)^api\\s+token-bucket\\s+goflow\\.tokenbucket~api\\s+100\\s+200\\b").matcher(stats);
        assertTrue(row.find(), stats);

        Files.writeString(cfg, "rate = 100\nburst = 50\n", StandardCharsets.UTF_8);
        String changed = karaf.poll("goflow:stats api", out -> out.matches("(?s).*\\nburst\\s+50\\n.*"));
        assertTrue(changed.matches("(?s).*\\nrate\\s+100\\n.*"), changed);

        // A wrong-typed value (a .cfg holds strings): Karaf's log names the property, the value and the rule,
        // and the limiter goes on as it was.
        Files.writeString(cfg, "rate = fast\nburst = 60\n", StandardCharsets.UTF_8);
        awaitLog("goflow: configuration goflow.tokenbucket~api (factory goflow.tokenbucket) rejected: property 'rate'"
                + " = fast must be a number");
        String kept = karaf.run("goflow:stats api");
        assertTrue(kept.matches("(?s).*\\nrate\\s+100\\n.*") && kept.matches("(?s).*\\nburst\\s+50\\n.*"), kept);

        Files.delete(cfg);
        karaf.poll("goflow:limiters", out -> out.contains("no limiters"));
    }

    @Test
    void aConfiguredPipelineRunsAndFollowsItsStagePluginThroughBundleUpdateStopAndStart() throws Exception {
        Files.writeString(karaf.home().resolve("etc/goflow.pipeline-hash.config"),
                "name=\"hash\"\nstages=[\"trim\",\"sha256\"]\n", StandardCharsets.UTF_8);
        String hello = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
        String first = karaf.poll("goflow:run hash ' hello '", out -> out.contains("succeeded"));
        assertTrue(first.contains(hello), first);
        long before = serviceId(karaf.run("goflow:stages"), "sha256");

        karaf.run("bundle:update goflow.plugin.codec");
        karaf.poll("goflow:stages", out -> serviceId(out, "sha256") > before);
        String again = karaf.poll("goflow:run hash ' hello '", out -> out.contains("succeeded"));
        assertTrue(again.contains(hello), again);
        // The statistics of the stage name survived the update.
        String stats = karaf.run("goflow:pipelines hash");
        assertTrue(stats.matches("(?s).*\\nsha256\\s+2\\s+2\\s+0\\s.*"), stats);

        karaf.run("bundle:stop goflow.plugin.codec");
        String waiting = karaf.poll("goflow:pipelines", out -> out.contains("waiting for sha256"));
        assertTrue(waiting.matches("(?s).*\\bhash\\s+waiting for sha256\\n.*"), waiting);
        String failed = karaf.run("goflow:run hash ' hello '");
        assertTrue(failed.contains("failed") && failed.contains("sha256"), failed);

        karaf.run("bundle:start goflow.plugin.codec");
        String ready = karaf.poll("goflow:pipelines", out -> out.matches("(?s).*\\bhash\\s+ready\\n.*"));
        assertFalse(ready.contains("waiting"), ready);
        String back = karaf.run("goflow:run hash ' hello '");
        assertTrue(back.contains("succeeded") && back.contains(hello), back);
    }

    /**
     * Runs last (the other tests need the features): uninstalling every goflow feature stops goflow's
     * threads and removes its bundles; installing them again (Karaf resolves and refreshes afresh)
     * brings every bundle back Active, and the configuration still in {@code etc/} creates its
     * primitive again.
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void uninstallingTheFeaturesLeavesNoGoflowBundleOrThreadAndInstallingThemAgainWorks() throws Exception {
        Path cfg = karaf.home().resolve("etc/goflow.workerpool-refresh.cfg");
        Files.writeString(cfg, "workers = 2\n", StandardCharsets.UTF_8);
        karaf.poll("threads --list", out -> out.contains("goflow-worker-pool-refresh-1"));

        String removed = karaf.run("feature:uninstall goflow-redis-streams goflow-redis goflow-web goflow-plugins "
                + "goflow-shell goflow");
        assertFalse(removed.contains("Error"), removed);
        String bundles = karaf.poll("bundle:list -s", out -> BUNDLES.stream().noneMatch(b -> listed(out, b)));
        assertTrue(karaf.run("feature:list -i").lines().noneMatch(l -> l.startsWith("goflow")), bundles);
        karaf.poll("threads --list", out -> !out.contains("goflow-"));

        String installed = karaf.run("feature:install " + FEATURES);
        assertFalse(installed.contains("Error"), installed);
        String again = karaf.poll("bundle:list -s", out -> BUNDLES.stream().allMatch(b -> active(out, b)));
        for (String b : BUNDLES) {
            assertTrue(active(again, b), () -> b + " is not Active:\n" + again);
        }
        String pool = karaf.poll("goflow:pools", out -> out.contains("refresh"));
        assertTrue(pool.matches("(?s).*\\brefresh\\s+worker-pool\\s+goflow\\.workerpool~refresh\\s+RUNNING\\s+2\\b.*"), pool);
        karaf.poll("goflow:stages", out -> out.contains("sha256"));
        Files.delete(cfg);
        karaf.poll("threads --list", out -> !out.contains("goflow-worker-pool-refresh"));
    }

    /** Whether {@code bundle:list -s} lists a bundle, in any state. */
    private static boolean listed(String bundleList, String symbolicName) {
        return bundleList.lines().anyMatch(l -> l.matches(".*[|\u2502]\\s*" + Pattern.quote(symbolicName) + "\\s*"));
    }

    /** Waits (bounded) until Karaf's log, {@code data/log/karaf.log}, contains {@code text}. */
    private void awaitLog(String text) throws Exception {
        Path log = karaf.home().resolve("data/log/karaf.log");
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(Karaf.TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + text + "' in data/log/karaf.log:\n" + karaf.diagnostics());
    }

    /** The service.id of a stage in goflow:stages, or -1. */
    private static long serviceId(String stages, String stage) {
        for (String line : stages.split("\n")) {
            String[] cols = line.trim().split("\\s+");
            if (cols.length == 4 && cols[0].equals(stage)) {
                return Long.parseLong(cols[3]);
            }
        }
        return -1;
    }
}
