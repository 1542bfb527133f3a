package goflow.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import goflow.redis.streams.RedisServer;

/**
 * Two JVMs ({@link LimiterProcess}) × 4 threads share one fleet-wide limit on a real redis-server
 * for 3 seconds, offering far more than the rate: together they admit at most
 * {@code burst + rate × elapsed} and at least 99 % of it. Each call is decided by Redis somewhere
 * between its call and its return, so the most the fleet may admit is measured over the widest
 * window those allow (first admitted call to last return) and the least it must admit over the
 * narrowest (first admitted return to last call): a return late by a stall of the loaded machine
 * adds no rate the nodes never offered.
 */
class FleetLimitIT {
    private static final double RATE = 200;
    /**
     * Half a second of the rate: tokens pile up to it while no thread of either JVM gets a core,
     * so a stall of the machine shorter than that loses nothing and the lower bound measures the
     * limiter, not the scheduler of a loaded 2-core machine (with a burst of 20, one stall over
     * 100 ms cost the run its 99 %).
     */
    private static final long BURST = 100;

    @Test
    void twoJvmsAdmitTheFleetsLimitTogether(@TempDir Path dir) throws Exception {
        try (RedisServer server = RedisServer.start()) {
            List<Process> nodes = new ArrayList<>();
            for (String node : List.of("a", "b")) {
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-cp", classPath(), LimiterProcess.class.getName(), Integer.toString(server.port()),
                        "fleet", Double.toString(RATE), Long.toString(BURST), "4"));
                nodes.add(new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(dir.resolve(node + ".out").toFile()).start());
            }
            // both JVMs up, their limiters built and threads started: a common start shortly after
            for (int i = 0; i < nodes.size(); i++) {
                Path out = dir.resolve((i == 0 ? "a" : "b") + ".out");
                Process p = nodes.get(i);
                Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> !p.isAlive() || ready(out));
                String said = text(out);
                assertTrue(said.contains("ready"), "node " + out.getFileName() + " is not ready: " + said);
            }
            long start = System.currentTimeMillis() + 500;
            for (Process p : nodes) {
                try (var in = p.getOutputStream()) {
                    in.write((start + " " + (start + 3_000) + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            long admitted = 0;
            long firstCalled = Long.MAX_VALUE;
            long firstReturned = Long.MAX_VALUE;
            long lastCalled = 0;
            long lastReturned = 0;
            for (int i = 0; i < nodes.size(); i++) {
                Process p = nodes.get(i);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "node " + i + " ends");
                String out = text(dir.resolve((i == 0 ? "a" : "b") + ".out"));
                assertEquals(0, p.exitValue(), out);
                Matcher m = Pattern.compile("admitted=(\\d+) firstCalled=(\\d+) firstReturned=(\\d+) lastCalled=(\\d+)"
                        + " lastReturned=(\\d+) fallbacks=(\\d+)").matcher(out);
                assertTrue(m.find(), out);
                admitted += Long.parseLong(m.group(1));
                firstCalled = Math.min(firstCalled, Long.parseLong(m.group(2)));
                firstReturned = Math.min(firstReturned, Long.parseLong(m.group(3)));
                lastCalled = Math.max(lastCalled, Long.parseLong(m.group(4)));
                lastReturned = Math.max(lastReturned, Long.parseLong(m.group(5)));
                assertEquals(0, Long.parseLong(m.group(6)), "no decision fell back: " + out);
            }
            assertTrue(admitted > 0, "no call admitted");
            double widest = (lastReturned - firstCalled) / 1000.0;
            double most = BURST + RATE * widest;
            assertTrue(admitted <= most + 1, "admitted " + admitted + " > burst + rate × " + widest + " s = " + most);
            double narrowest = (lastCalled - firstReturned) / 1000.0;
            double least = 0.99 * (BURST + RATE * narrowest);
            assertTrue(admitted >= least, "admitted " + admitted + " < 99 % of burst + rate × " + narrowest + " s = "
                    + least);
        }
    }

    private static boolean ready(Path out) throws IOException {
        return text(out).contains("ready");
    }

    private static String text(Path out) throws IOException {
        return Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
    }

    /** The test's class path and module path (failsafe puts modular jars on the module path). */
    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String mp = System.getProperty("jdk.module.path", "");
        return mp.isEmpty() ? cp : cp + File.pathSeparator + mp;
    }
}
