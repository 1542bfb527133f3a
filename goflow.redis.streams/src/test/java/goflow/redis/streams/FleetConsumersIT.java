package goflow.redis.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * Two consumer processes ({@link ConsumerProcess}, each a JVM with a goflow pipeline) share one
 * stream of 10,000 entries through a consumer group; one is killed (by PID, SIGKILL) halfway. Every
 * entry's result must reach the output stream, the duplicates must be at most what the dead
 * process had in flight, and its pending entries must have been claimed by the survivor.
 */
class FleetConsumersIT {
    private static final int ITEMS = 10_000;
    private static final int MAX_IN_FLIGHT = 64;
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void aKilledConsumersEntriesAreClaimedAndEveryEntryIsProcessedAtLeastOnce(@TempDir Path dir) throws Exception {
        try (RedisServer server = RedisServer.start(); RedisClient redis = server.client()) {
            Map<String, String> input = new HashMap<>();
            for (int i = 0; i < ITEMS; i++) {
                StreamEntryID id = redis.xadd("{jobs}:in", StreamEntryID.NEW_ENTRY, Map.of("data", "n-" + i));
                input.put(id.toString(), Long.toString((long) i * i));
            }
            Process a = start(server.port(), "a", dir);
            Process b = start(server.port(), "b", dir);
            List<Process> all = List.of(a, b);
            try {
                awaitLine(a, dir.resolve("a.out"), "started a");
                awaitLine(b, dir.resolve("b.out"), "started b");
                Awaitility.await().atMost(WAIT).until(() -> redis.xlen("{jobs}:out") >= ITEMS / 2);
                a.destroyForcibly(); // SIGKILL: no close, no acknowledgement of what it held
                assertTrue(a.waitFor(30, TimeUnit.SECONDS));
                // measured at once: a's entries were delivered moments before the kill, so none has been idle
                // claimIdle (1 s) yet, and b cannot have claimed any of them
                long heldByA = redis.xpending("{jobs}:in", "workers").getConsumerMessageCount().getOrDefault("a", 0L);
                assertTrue(heldByA > 0 && heldByA <= MAX_IN_FLIGHT, "with half the backlog left, a held some entries "
                        + "and at most maxInFlight unacknowledged: " + heldByA);
                System.out.println("FleetConsumersIT: a held " + heldByA + " entries when it was killed");

                Awaitility.await().atMost(WAIT).until(() -> distinctSources(redis).size() == ITEMS);
                try (Writer toB = new OutputStreamWriter(b.getOutputStream(), StandardCharsets.UTF_8)) {
                    toB.write("stop\n");
                }
                assertTrue(b.waitFor(60, TimeUnit.SECONDS), "b stops on request");
                assertEquals(0, b.exitValue(), read(dir.resolve("b.out")));
                Map<String, Long> statsOfB = stats(read(dir.resolve("b.out")));

                Map<String, Integer> seen = new HashMap<>();
                for (StreamEntry e : redis.xrange("{jobs}:out", "-", "+")) {
                    String source = e.getFields().get("source");
                    assertEquals(input.get(source), e.getFields().get("data"), "the result of " + source);
                    seen.merge(source, 1, Integer::sum);
                }
                assertEquals(input.keySet(), seen.keySet(), "every entry has a result");
                long duplicates = seen.values().stream().mapToLong(n -> n - 1).sum();
                assertTrue(duplicates <= heldByA, "duplicates " + duplicates + " are at most the " + heldByA
                        + " entries a held when it was killed");
                System.out.println("FleetConsumersIT: " + duplicates + " duplicates");
                assertEquals(0, redis.xpending("{jobs}:in", "workers").getTotal(), "nothing left pending");
                assertTrue(statsOfB.get("claimed") >= heldByA, "b claimed a's " + heldByA + " pending entries: "
                        + statsOfB);
                assertEquals(0, statsOfB.get("deadLettered"));
            } finally {
                for (Process p : all) {
                    p.destroyForcibly();
                    p.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static Process start(int port, String name, Path dir) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-cp");
        // the test's class path and module path, all on the class path (java.class.path is only the
        // fork's booter jar under failsafe, which puts the modular jars on the module path)
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String mp = System.getProperty("jdk.module.path", "");
        cmd.add(mp.isEmpty() ? cp : cp + java.io.File.pathSeparator + mp);
        cmd.add(ConsumerProcess.class.getName());
        cmd.addAll(List.of(Integer.toString(port), name, "{jobs}:in", "{jobs}:out", "1000",
                Integer.toString(MAX_IN_FLIGHT)));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile())
                .start();
    }

    private static Map<String, Integer> distinctSources(RedisClient redis) {
        Map<String, Integer> seen = new HashMap<>();
        for (StreamEntry e : redis.xrange("{jobs}:out", "-", "+")) {
            seen.merge(e.getFields().get("source"), 1, Integer::sum);
        }
        return seen;
    }

    private static void awaitLine(Process p, Path file, String line) {
        Awaitility.await().atMost(WAIT).until(() -> {
            assertTrue(p.isAlive() || read(file).contains(line), () -> "the consumer process ended:\n" + read(file));
            return read(file).contains(line);
        });
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static Map<String, Long> stats(String output) {
        Matcher m = Pattern.compile("stats (.*)").matcher(output);
        assertTrue(m.find(), output);
        Map<String, Long> stats = new HashMap<>();
        for (String kv : m.group(1).trim().split(" ")) {
            String[] p = kv.split("=");
            stats.put(p[0], Long.parseLong(p[1]));
        }
        return stats;
    }
}
