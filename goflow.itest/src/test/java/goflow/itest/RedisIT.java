package goflow.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

import goflow.api.ratelimit.KeyedRateLimiter;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.schedule.Lease;
import goflow.api.schedule.Scheduler;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;

/**
 * goflow.redis and goflow.redis.streams in Felix with Jedis and its bundles, on a real redis-server
 * (started on 127.0.0.1 by each test, stopped by PID): a {@code goflow.redis.stream} configuration
 * feeds a configured pipeline of stage plugins, waits while the pipeline is missing, and
 * {@code goflow:redisstreams} shows it; a {@code goflow.redis} connection and a
 * {@code goflow.redis.tokenbucket} and a {@code goflow.redis.keyed} configuration make fleet-wide
 * limiter services that {@code goflow:redis} and {@code goflow:stats} show, and a
 * {@code goflow.scheduler} configured with {@code leases=redis} runs its tasks on Redis leases.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RedisIT {
    @Inject
    private ConfigurationAdmin cm;

    @Inject
    private CommandProcessor processor;

    @Inject
    private org.osgi.framework.BundleContext context;

    @Configuration
    public Option[] config() {
        return options(Runtime.goflowWithShell(), Runtime.file("goflow.plugin.text"),
                composite(Runtime.file("commons-pool2"), Runtime.file("json"), Runtime.file("gson"),
                        Runtime.file("redis-authx-core"), Runtime.file("jedis"), Runtime.file("goflow.redis.streams"),
                        Runtime.file("goflow.redis")),
                Runtime.exam());
    }

    private String run(String line) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        try (InputStream in = new java.io.ByteArrayInputStream(new byte[0]);
                CommandSession session = processor.createSession(in, ps, ps)) {
            Object value = session.execute(line);
            ps.flush();
            String printed = out.toString(StandardCharsets.UTF_8);
            return value == null ? printed : printed + value;
        }
    }

    /** Polls (bounded) until the condition holds; exceptions count as "not yet". */
    private static void poll(int seconds, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Exception last = null;
        while (System.nanoTime() - deadline < 0) {
            try {
                if (condition.call()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        throw new AssertionError("not within " + seconds + " s", last);
    }

    private static Dictionary<String, Object> props(Object... kv) {
        Dictionary<String, Object> d = new Hashtable<>();
        for (int i = 0; i < kv.length; i += 2) {
            d.put((String) kv[i], kv[i + 1]);
        }
        return d;
    }

    /** A redis-server on a free 127.0.0.1 port; returns its port once it answers. */
    private static Process redisServer(int[] port) throws Exception {
        port[0] = Ports.freePort();
        Process server = new ProcessBuilder("redis-server", "--port", Integer.toString(port[0]), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--daemonize", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try (RedisClient redis = RedisClient.create("127.0.0.1", port[0])) {
            poll(30, () -> "PONG".equals(redis.ping()));
        }
        return server;
    }

    private static void stop(Process server) throws InterruptedException {
        server.destroy();
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
            server.destroyForcibly();
        }
    }

    /** The DS state of the token bucket component of configuration goflow.redis.tokenbucket~typo; -1 if none. */
    private int typoState() {
        ServiceReference<ServiceComponentRuntime> ref = context.getServiceReference(ServiceComponentRuntime.class);
        ServiceComponentRuntime scr = context.getService(ref);
        try {
            org.osgi.framework.Bundle redis = java.util.Arrays.stream(context.getBundles())
                    .filter(b -> "goflow.redis".equals(b.getSymbolicName())).findFirst().orElseThrow();
            ComponentDescriptionDTO d = scr.getComponentDescriptionDTO(redis,
                    "goflow.redis.internal.osgi.RedisTokenBucketComponent");
            return scr.getComponentConfigurationDTOs(d).stream()
                    .filter(c -> String.valueOf(c.properties.get("service.pid")).endsWith("~typo"))
                    .mapToInt(c -> c.state).findFirst().orElse(-1);
        } finally {
            context.ungetService(ref);
        }
    }

    @Test
    public void configuredFleetWideLimitersAndASchedulerOnRedisLeasesAreServicesThatTheShellShows() throws Exception {
        int[] port = new int[1];
        Process server = redisServer(port);
        try {
            org.osgi.service.cm.Configuration connection = cm.getConfiguration("goflow.redis", "?");
            connection.update(props("uri", "redis://127.0.0.1:" + port[0], "timeout", "PT0.5S"));
            org.osgi.service.cm.Configuration bucket = cm.getFactoryConfiguration("goflow.redis.tokenbucket", "fleet-api",
                    "?");
            bucket.update(props("rate", 0.001, "burst", 3L, "failurePolicy", "fail_closed"));
            poll(60, () -> !context.getServiceReferences(RateLimiter.class, "(goflow.name=fleet-api)").isEmpty());
            ServiceReference<RateLimiter> ref = context.getServiceReferences(RateLimiter.class,
                    "(goflow.name=fleet-api)").iterator().next();
            RateLimiter limiter = context.getService(ref);
            try {
                assertTrue(limiter.allow());
                assertTrue(limiter.allow());
                assertTrue(limiter.allow());
                assertTrue("the burst of 3 is the fleet's, kept in Redis", !limiter.allow());
            } finally {
                context.ungetService(ref);
            }
            String redisReport = run("goflow:redis");
            assertTrue(redisReport, redisReport.contains("connected  true") && redisReport.contains("fleet-api"));
            String stats = run("goflow:stats fleet-api");
            assertTrue(stats, stats.contains("fleet-api"));
            // a change other than rate and burst builds the limiter again: the service stays, with the new policy
            bucket.update(props("rate", 0.001, "burst", 3L, "failurePolicy", "fail_open"));
            poll(60, () -> run("goflow:redis").matches("(?s).*fleet-api\\s+FAIL_OPEN.*"));

            // a value of the wrong type makes nothing (logged naming the property); corrected, it applies
            org.osgi.service.cm.Configuration typo = cm.getFactoryConfiguration("goflow.redis.tokenbucket", "typo", "?");
            typo.update(props("rate", "fast", "burst", "3"));
            poll(60, () -> typoState() == ComponentConfigurationDTO.ACTIVE
                    || typoState() == ComponentConfigurationDTO.FAILED_ACTIVATION);
            assertEquals("active, having logged the rejection (DS's own conversion would fail the activation)",
                    ComponentConfigurationDTO.ACTIVE, typoState());
            assertTrue("no limiter from it", context.getServiceReferences(RateLimiter.class.getName(),
                    "(goflow.name=typo)") == null);
            typo.update(props("rate", "2", "burst", "3"));
            poll(60, () -> context.getServiceReferences(RateLimiter.class.getName(), "(goflow.name=typo)") != null);
            typo.delete();

            // goflow.redis.keyed: a limit per key, shared by the fleet
            org.osgi.service.cm.Configuration keyed = cm.getFactoryConfiguration("goflow.redis.keyed", "per-client", "?");
            keyed.update(props("rate", 0.001, "burst", 2L, "maxKeys", 1000));
            poll(60, () -> context.getServiceReferences(KeyedRateLimiter.class.getName(), "(goflow.name=per-client)")
                    != null);
            ServiceReference<?> keyedRef = context.getServiceReferences(KeyedRateLimiter.class.getName(),
                    "(goflow.name=per-client)")[0];
            @SuppressWarnings("unchecked")
            KeyedRateLimiter<Object> perClient = (KeyedRateLimiter<Object>) context.getService(keyedRef);
            try {
                assertTrue(perClient.allow("alice"));
                assertTrue(perClient.allow("alice"));
                assertTrue("alice's burst of 2 is taken", !perClient.allow("alice"));
                assertTrue("bob has his own bucket", perClient.allow("bob"));
            } finally {
                context.ungetService(keyedRef);
            }
            try (RedisClient redis = RedisClient.create("127.0.0.1", port[0])) {
                assertTrue(redis.exists("goflow:rl:{per-client}:k:alice"));
            }
            assertTrue(run("goflow:redis").contains("per-client"));

            // a configured scheduler with leases=redis: its tasks run on the Redis connection's leases
            org.osgi.service.cm.Configuration jobs = cm.getFactoryConfiguration("goflow.scheduler", "fleet-jobs", "?");
            jobs.update(props("leases", "redis", "leaseTtl", "PT5S"));
            poll(60, () -> !context.getServiceReferences(Scheduler.class, "(goflow.name=fleet-jobs)").isEmpty());
            ServiceReference<Scheduler> jobsRef = context.getServiceReferences(Scheduler.class,
                    "(goflow.name=fleet-jobs)").iterator().next();
            Scheduler scheduler = context.getService(jobsRef);
            java.util.Set<Long> fencingTokens = java.util.concurrent.ConcurrentHashMap.newKeySet();
            try {
                scheduler.every(java.time.Duration.ofMillis(100), ctx -> fencingTokens.add(
                        ctx.value(Lease.CONTEXT_KEY).orElseThrow().fencingToken()));
                poll(60, () -> scheduler.stats().runs() >= 3);
                assertEquals("one lease, kept between runs", 1, fencingTokens.size());
                try (RedisClient redis = RedisClient.create("127.0.0.1", port[0])) {
                    assertTrue(redis.exists("goflow:lease:{goflow/fleet-jobs/task-1}"));
                }
                String report = run("goflow:redis");
                assertTrue(report, report.contains("leases held by this node (goflow.lease.name=redis): 1")
                        && report.contains("goflow/fleet-jobs/task-1 token " + fencingTokens.iterator().next()));
            } finally {
                context.ungetService(jobsRef);
            }
            jobs.delete();
            keyed.delete();
            bucket.delete();
            poll(60, () -> context.getServiceReferences(RateLimiter.class, "(goflow.name=fleet-api)").isEmpty());
            connection.delete();
            poll(60, () -> run("goflow:redis").startsWith("no redis connection"));
        } finally {
            stop(server);
        }
    }

    @Test
    public void aConfiguredConsumerFeedsAConfiguredPipelineAndWaitsWhileItIsMissing() throws Exception {
        int[] ports = new int[1];
        Process server = redisServer(ports);
        int port = ports[0];
        try (RedisClient redis = RedisClient.create("127.0.0.1", port)) {
            for (int i = 0; i < 100; i++) {
                redis.xadd("{it}:in", StreamEntryID.NEW_ENTRY, Map.of("data", "  item " + i + " "));
            }
            org.osgi.service.cm.Configuration consumer = cm.getFactoryConfiguration("goflow.redis.stream", "it", "?");
            consumer.update(props("uri", "redis://127.0.0.1:" + port, "stream", "{it}:in", "group", "it-group",
                    "output", "{it}:out", "pipeline", "it-pipe", "block", "PT0.1S", "claimIdle", "PT1S",
                    "consumer", "felix"));
            poll(60, () -> run("goflow:redisstreams")
                    .contains("waiting for pipeline it-pipe"));
            assertEquals("nothing is read while the pipeline is missing", 0, redis.xlen("{it}:out"));

            org.osgi.service.cm.Configuration pipeline = cm.getFactoryConfiguration("goflow.pipeline", "it-pipe", "?");
            pipeline.update(props("stages", new String[] {"trim", "upper"}));
            poll(60, () -> redis.xlen("{it}:out") == 100);
            List<StreamEntry> out = redis.xrange("{it}:out", "-", "+");
            assertEquals("ITEM 0", out.get(0).getFields().get("data"));
            assertEquals("ITEM 99", out.get(99).getFields().get("data"));
            assertEquals(0, redis.xpending("{it}:in", "it-group").getTotal());
            String table = run("goflow:redisstreams");
            assertTrue(table, table.matches("(?s).*goflow\\.redis\\.stream~it +\\{it\\}:in +it-group +felix +it-pipe "
                    + "+running +100 +100 +0 +0 +0 +0 +0\\n.*"));

            String stats = run("goflow:stats it");
            assertTrue(stats, stats.matches("(?s).*kind +stream-consumer\n.*acknowledged +100\n.*"));

            pipeline.delete();
            poll(60, () -> run("goflow:redisstreams")
                    .contains("waiting for pipeline it-pipe"));
            consumer.delete();
            poll(60, () -> run("goflow:redisstreams")
                    .startsWith("no redis stream consumers"));
        } finally {
            stop(server);
        }
    }

}
