package goflow.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import goflow.redis.streams.RedisServer;
import redis.clients.jedis.RedisClient;

/**
 * Three scheduler processes ({@link SchedulerProcess}) with a cron task every second, once per
 * cluster on goflow.redis's leases: every fire time runs on one node only; when the node holding
 * the lease is killed (by PID), the task moves to another node within one lease time to live.
 */
class FleetScheduleIT {
    private static final long TTL_MILLIS = 2000;

    @Test
    void eachFireTimeRunsOnceAndTheJobMovesWhenItsHolderDies(@TempDir Path dir) throws Exception {
        try (RedisServer server = RedisServer.start(); RedisClient redis = server.client()) {
            Map<String, Process> nodes = new HashMap<>();
            for (String node : List.of("a", "b", "c")) {
                nodes.put(node, new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp", classPath(), SchedulerProcess.class.getName(), Integer.toString(server.port()), node,
                        Long.toString(TTL_MILLIS)).redirectErrorStream(true)
                        .redirectOutput(dir.resolve(node + ".out").toFile()).start());
            }
            try {
                // 6 fire times with all three alive
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> redis.llen("{fleet}:runs") >= 6);
                TreeMap<Instant, List<String>> before = runs(redis);
                String holder = before.lastEntry().getValue().get(0);
                assertNoDuplicates(before);
                assertEquals(1, before.values().stream().map(l -> l.get(0)).distinct().count(),
                        "the holder keeps the lease and runs every fire time: " + before);

                Process dead = nodes.get(holder);
                dead.destroyForcibly(); // SIGKILL: its lease is not released, it runs out
                assertTrue(dead.waitFor(30, TimeUnit.SECONDS));
                Instant killedAt = Instant.now();
                Awaitility.await().atMost(Duration.ofSeconds(60))
                        .until(() -> runs(redis).lastEntry().getValue().stream().anyMatch(n -> !n.equals(holder))
                                && runs(redis).tailMap(killedAt).size() >= 3);
                TreeMap<Instant, List<String>> after = runs(redis);
                assertNoDuplicates(after);
                Instant firstByOther = after.entrySet().stream().filter(e -> !e.getValue().get(0).equals(holder))
                        .findFirst().orElseThrow().getKey();
                assertTrue(Duration.between(killedAt, firstByOther).toMillis() <= TTL_MILLIS + 1500,
                        "another node took over within one ttl (+ the next second): killed " + killedAt + ", first "
                                + firstByOther + ": " + after);
                for (Map.Entry<String, Process> e : nodes.entrySet()) {
                    if (!e.getKey().equals(holder)) {
                        try (Writer w = new OutputStreamWriter(e.getValue().getOutputStream(), StandardCharsets.UTF_8)) {
                            w.write("stop\n");
                        }
                        assertTrue(e.getValue().waitFor(30, TimeUnit.SECONDS));
                        assertEquals(0, e.getValue().exitValue(),
                                Files.readString(dir.resolve(e.getKey() + ".out"), StandardCharsets.UTF_8));
                    }
                }
            } finally {
                nodes.values().forEach(Process::destroyForcibly);
            }
        }
    }

    /** Fire second -> the nodes that ran it. */
    private static TreeMap<Instant, List<String>> runs(RedisClient redis) {
        TreeMap<Instant, List<String>> runs = new TreeMap<>();
        for (String r : redis.lrange("{fleet}:runs", 0, -1)) {
            String[] p = r.split("\\|");
            runs.computeIfAbsent(Instant.parse(p[0]), k -> new ArrayList<>()).add(p[1]);
        }
        return runs;
    }

    private static void assertNoDuplicates(TreeMap<Instant, List<String>> runs) {
        for (Map.Entry<Instant, List<String>> e : runs.entrySet()) {
            assertEquals(1, e.getValue().size(), "fire time " + e.getKey() + " ran on " + e.getValue() + ": " + runs);
        }
    }

    private static String classPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String mp = System.getProperty("jdk.module.path", "");
        return mp.isEmpty() ? cp : cp + File.pathSeparator + mp;
    }
}
