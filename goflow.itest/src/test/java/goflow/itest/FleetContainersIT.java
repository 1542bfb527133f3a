package goflow.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import goflow.redis.streams.RedisServer;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * A pipeline spread over two goflow containers (the real jar, as processes), as the README's
 * "Running a fleet" shows: each container gets goflow.redis.streams and Jedis by dropping their
 * jars into {@code deploy/}, a pipeline of stage plugins and a {@code goflow.redis.stream}
 * configuration, and both consume one stream of 10,000 entries from a real redis-server. One
 * container is killed by PID halfway: every entry's result reaches the output stream, the
 * duplicates are at most what the dead container had in flight, and the survivor claimed the
 * dead one's pending entries. Run once per build (two containers, about half a minute).
 */
class FleetContainersIT {
    private static final int ITEMS = 10_000;
    private static final int MAX_IN_FLIGHT = 64;
    private static final List<String> BUNDLES = List.of("commons-pool2", "json", "gson", "redis-authx-core", "jedis",
            "goflow.redis.streams");
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        started.forEach(Containers::kill);
    }

    @Test
    void aPipelineOverTwoContainersSurvivesTheKillOfOne(@TempDir Path dir) throws Exception {
        try (RedisServer server = RedisServer.start(); RedisClient redis = server.client()) {
            Path a = container(dir.resolve("a"), server.port(), "a");
            Path b = container(dir.resolve("b"), server.port(), "b");
            Process pa = start(a);
            Process pb = start(b);
            try (Writer inA = new OutputStreamWriter(pa.getOutputStream(), StandardCharsets.UTF_8);
                    Writer inB = new OutputStreamWriter(pb.getOutputStream(), StandardCharsets.UTF_8)) {
                Containers.Shell shA = new Containers.Shell(inA, a.resolve("out.txt"));
                Containers.Shell shB = new Containers.Shell(inB, b.resolve("out.txt"));
                shA.poll("echo (goflow:redisstreams)", s -> s.matches("(?s).*fleet +running.*"));
                shB.poll("echo (goflow:redisstreams)", s -> s.matches("(?s).*fleet +running.*"));

                // a backlog, so that both containers are busy and each holds entries in flight
                Map<String, String> expected = new HashMap<>();
                List<redis.clients.jedis.Response<StreamEntryID>> ids = new ArrayList<>();
                try (Pipeline p = redis.pipelined()) {
                    for (int i = 0; i < ITEMS; i++) {
                        ids.add(p.xadd("{fleet}:in", StreamEntryID.NEW_ENTRY, Map.of("data", " job-" + i + " ")));
                    }
                    p.sync();
                }
                for (int i = 0; i < ITEMS; i++) {
                    expected.put(ids.get(i).get().toString(), "JOB-" + i);
                }

                poll(() -> redis.xlen("{fleet}:out") >= ITEMS / 2);
                Containers.kill(pa); // SIGKILL: no stop, no acknowledgement of what it held
                assertTrue(pa.waitFor(30, TimeUnit.SECONDS));
                // measured at once: a's entries were delivered moments before the kill, so none has been idle
                // claimIdle (1 s) yet, and b cannot have claimed any of them
                long heldByA = redis.xpending("{fleet}:in", "fleet").getConsumerMessageCount().getOrDefault("a", 0L);
                assertTrue(heldByA > 0 && heldByA <= MAX_IN_FLIGHT, "with a backlog, a held some entries and at most "
                        + "maxInFlight unacknowledged: " + heldByA);
                System.out.println("FleetContainersIT: a held " + heldByA + " entries when it was killed");

                poll(() -> redis.xpending("{fleet}:in", "fleet").getTotal() == 0 && distinct(redis).size() == ITEMS);
                Map<String, Integer> seen = new HashMap<>();
                for (StreamEntry e : redis.xrange("{fleet}:out", "-", "+")) {
                    String source = e.getFields().get("source");
                    assertEquals(expected.get(source), e.getFields().get("data"), "the result of " + source);
                    seen.merge(source, 1, Integer::sum);
                }
                assertEquals(expected.keySet(), seen.keySet(), "every entry has its result");
                long duplicates = seen.values().stream().mapToLong(n -> n - 1).sum();
                assertTrue(duplicates <= heldByA, "duplicates " + duplicates + " are at most the " + heldByA
                        + " entries a held when it was killed");
                System.out.println("FleetContainersIT: " + duplicates + " duplicates");

                String row = shB.run("echo (goflow:redisstreams)");
                Matcher m = Pattern.compile("fleet +running +(\\d+) +(\\d+) +(\\d+) +(\\d+) +(\\d+)").matcher(row);
                assertTrue(m.find(), row);
                assertTrue(Long.parseLong(m.group(3)) >= heldByA, "b claimed the " + heldByA + " entries a held: " + row);
                assertEquals(0, Long.parseLong(m.group(5)), "nothing dead-lettered: " + row);

                shB.send("stop 0");
                assertTrue(pb.waitFor(Containers.TIMEOUT_SECONDS, TimeUnit.SECONDS), () -> Containers.read(b.resolve("out.txt")));
                assertEquals(0, pb.exitValue(), () -> Containers.read(b.resolve("out.txt")));
            }
        }
    }

    /** A container folder: the Redis bundles and the fleet's configuration in deploy/. */
    private static Path container(Path home, int redisPort, String consumer) throws IOException {
        Path deploy = Files.createDirectories(home.resolve("deploy"));
        for (String b : BUNDLES) {
            Files.copy(Runtime.BUNDLES.toPath().resolve(b + ".jar"), deploy.resolve(b + ".jar"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(deploy.resolve("goflow.pipeline-fleet.config"), "stages=[\"trim\",\"upper\"]\n");
        Files.writeString(deploy.resolve("goflow.redis.stream-fleet.cfg"), String.join("\n",
                "uri = redis://127.0.0.1:" + redisPort, "stream = {fleet}:in", "group = fleet", "output = {fleet}:out",
                "pipeline = fleet", "consumer = " + consumer, "claimIdle = PT1S", "block = PT0.1S",
                // a write that times out restarts the run and its entries come back as duplicates; the
                // test is about the kill, so a loaded CI machine gets more than the 200 ms default
                "timeout = PT2S",
                "maxInFlight = " + MAX_IN_FLIGHT, ""));
        return home;
    }

    private Process start(Path home) throws IOException {
        int port = Ports.freePort();
        Process p = new ProcessBuilder(Containers.command(home,
                List.of("-Dorg.osgi.service.http.port=" + port))).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(home.resolve("out.txt").toFile()).start();
        started.add(p);
        return p;
    }

    private static Map<String, Integer> distinct(RedisClient redis) {
        Map<String, Integer> seen = new HashMap<>();
        for (StreamEntry e : redis.xrange("{fleet}:out", "-", "+")) {
            seen.merge(e.getFields().get("source"), 1, Integer::sum);
        }
        return seen;
    }

    private static void poll(java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Containers.TIMEOUT_SECONDS * 2);
        while (!condition.call()) {
            assertTrue(System.nanoTime() - deadline < 0, "not within " + Containers.TIMEOUT_SECONDS * 2 + " s");
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }
}
