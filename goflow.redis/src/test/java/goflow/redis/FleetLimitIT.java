package goflow.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import goflow.redis.streams.RedisServer;

/**
 * Two JVMs ({@link LimiterProcess}) × 4 threads share one fleet-wide limit on a real redis-server
 * for 3 seconds, offering far more than the rate: together they admit at most
 * {@code burst + rate × elapsed} and at least 99 % of it.
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
            long start = System.currentTimeMillis() + 5_000; // time for both JVMs to start
            long end = start + 3_000;
            List<Process> nodes = new ArrayList<>();
            for (String node : List.of("a", "b")) {
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                        .toString(), "-cp", classPath(), LimiterProcess.class.getName(), Integer.toString(server.port()),
                        "fleet", Double.toString(RATE), Long.toString(BURST), "4", Long.toString(start),
                        Long.toString(end)));
                nodes.add(new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(dir.resolve(node + ".out").toFile()).start());
            }
            long admitted = 0;
            long first = Long.MAX_VALUE;
            long last = 0;
            for (int i = 0; i < nodes.size(); i++) {
                Process p = nodes.get(i);
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "node " + i + " ends");
                String out = Files.readString(dir.resolve((i == 0 ? "a" : "b") + ".out"), StandardCharsets.UTF_8);
                assertEquals(0, p.exitValue(), out);
                Matcher m = Pattern.compile("admitted=(\\d+) first=(\\d+) last=(\\d+) fallbacks=(\\d+)").matcher(out);
                assertTrue(m.find(), out);
                admitted += Long.parseLong(m.group(1));
                first = Math.min(first, Long.parseLong(m.group(2)));
                last = Math.max(last, Long.parseLong(m.group(3)));
                assertEquals(0, Long.parseLong(m.group(4)), "no decision fell back: " + out);
            }
            double elapsed = (last - first) / 1000.0;
            double bound = BURST + RATE * elapsed;
            assertTrue(admitted <= bound + 1, "admitted " + admitted + " > burst + rate × " + elapsed + " s = " + bound);
            assertTrue(admitted >= 0.99 * bound, "admitted " + admitted + " < 99 % of " + bound);
        }
    }

    /** The test's class path and module path (failsafe puts modular jars on the module path). */
    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String mp = System.getProperty("jdk.module.path", "");
        return mp.isEmpty() ? cp : cp + File.pathSeparator + mp;
    }
}
