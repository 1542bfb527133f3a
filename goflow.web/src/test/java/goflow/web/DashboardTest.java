package goflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.Primitive;
import goflow.api.inspect.Stats;
import goflow.api.pipeline.Pipeline;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.AimdLimit;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.LeakyBucket;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.metrics.PrometheusText;
import goflow.metrics.Promtool;

/** The dashboard's state, the metrics text with the pipelines' status, the live changes and their CSRF guard. */
class DashboardTest {
    private final ManualClock clock = new ManualClock();
    /** Owned like a pipeline configured by stage names. */
    private final GoFlow goflow = new GoFlowImpl(clock, "goflow.pipeline~hash");
    private final Plugins plugins = property -> property.equals(Plugins.STAGE_NAME)
            ? List.of(new Plugins.Plugin("trim", "goflow.plugin.text"))
            : List.of(new Plugins.Plugin("orders", "goflow.plugin.sources"));
    private final Sampler sampler = new Sampler(goflow.registry(), plugins, clock, Duration.ofSeconds(1), 600);

    @AfterEach
    void close() {
        goflow.close();
    }

    @Test
    void chartsAreRatesPerSecondBetweenSamplesAndAWaitingPipelineIsMarked() {
        RateLimiter api = goflow.tokenBucket().name("api").rate(1).burst(100).build();
        goflow.pipeline("hash").stage(goflow.stages().reference("trim")).stage(goflow.stages().reference("sha256"))
                .build();
        sampler.sample();
        for (int i = 0; i < 20; i++) {
            api.allow();
        }
        clock.advance(Duration.ofSeconds(2));
        sampler.sample();
        clock.advance(Duration.ofSeconds(1));
        sampler.sample();
        String json = DashboardState.json(sampler, false, "secret");
        assertTrue(json.contains("{\"title\":\"admitted /s\",\"points\":[10,0]}"), json); // 20 in 2 s, then none
        assertTrue(json.contains("\"status\":\"waiting for sha256\",\"missing\":[\"sha256\"]"), json);
        assertTrue(json.contains("\"stages\":[{\"name\":\"trim\",\"bundle\":\"goflow.plugin.text\"}]"), json);
        assertTrue(json.contains("\"sources\":[{\"name\":\"orders\",\"bundle\":\"goflow.plugin.sources\"}]"), json);
        assertTrue(json.contains("\"controls\":false"), json);
        assertFalse(json.contains("secret"), "no token when live changes are disabled: " + json);
        assertTrue(DashboardState.json(sampler, true, "secret").contains("\"token\":\"secret\""));
    }

    @Test
    void poolPipelineAndStageChartsGetTheirPoints() throws Exception {
        WorkerPool pool = goflow.workerPool().name("io").workers(2).queueCapacity(10).build();
        Pipeline<String, String> orders = goflow.pipeline("orders").stage("parse", (String s) -> {
            clock.advance(Duration.ofMillis(30));
            return s.trim();
        }).stage("store", s -> {
            clock.advance(Duration.ofMillis(10));
            return s;
        }).build();
        sampler.sample();
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(2);
        for (int i = 0; i < 5; i++) { // 2 busy workers, 3 queued
            pool.submit(ctx -> {
                running.countDown();
                return release.await(30, TimeUnit.SECONDS);
            });
        }
        String json;
        try {
            assertTrue(running.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 4; i++) {
                orders.execute(" o ");
            }
            clock.advance(Duration.ofMillis(1840)); // 4 executions of 40 ms each (160 ms), then idle: 2 s in all
            sampler.sample();
            json = DashboardState.json(sampler, false, "");
        } finally {
            release.countDown();
        }
        assertTrue(json.contains("{\"title\":\"queue depth\",\"points\":[3]}"), json);
        assertTrue(json.contains("{\"title\":\"busy workers\",\"points\":[2]}"), json);
        assertTrue(json.contains("{\"title\":\"throughput /s\",\"points\":[2]}"), json); // 4 in 2 s
        assertTrue(json.contains("{\"title\":\"latency ms\",\"points\":[40]}"), json);
        assertTrue(json.contains("{\"title\":\"stage parse ms\",\"points\":[30]}"), json);
        assertTrue(json.contains("{\"title\":\"stage store ms\",\"points\":[10]}"), json);
        pool.shutdown().join();
    }

    @Test
    void aPipelineReCreatedUnderItsNameGetsNoNegativeLatencyPoint() {
        Pipeline<String, String> slow = goflow.pipeline("orders").stage("parse", (String s) -> {
            clock.advance(Duration.ofSeconds(1));
            return s;
        }).build();
        for (int i = 0; i < 5; i++) {
            slow.execute("o"); // 5 executions, 5 s in all
        }
        sampler.sample();
        slow.close();
        Pipeline<String, String> fast = goflow.pipeline("orders").stage("parse", (String s) -> {
            clock.advance(Duration.ofMillis(100));
            return s;
        }).build();
        for (int i = 0; i < 10; i++) {
            fast.execute("o"); // 10 executions, 1 s in all: the totals went down, the count up
        }
        sampler.sample();
        String json = DashboardState.json(sampler, false, "");
        assertTrue(json.contains("{\"title\":\"latency ms\",\"points\":[null]}"), json);
        assertTrue(json.contains("{\"title\":\"stage parse ms\",\"points\":[null]}"), json);
    }

    /** A stream consumer's figures (as goflow.redis.streams' RedisStreamStats has them), without a Redis. */
    private record ConsumerStats(long read, long acknowledged, long claimed, long failed, long deadLettered,
            int inFlight, long pending, boolean running) implements Stats {
    }

    /** A listed stream consumer whose figures the test sets. */
    private static final class FakeConsumer implements Primitive {
        volatile ConsumerStats stats = new ConsumerStats(0, 0, 0, 0, 0, 0, 0, true);

        @Override
        public String name() {
            return "orders-in";
        }

        @Override
        public Kind kind() {
            return Kind.STREAM_CONSUMER;
        }

        @Override
        public Stats stats() {
            return stats;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aStreamConsumerHasItsChartsAndItsClaimedAndDeadLetteredFigures() {
        FakeConsumer consumer = new FakeConsumer();
        goflow.register(consumer);
        sampler.sample();
        consumer.stats = new ConsumerStats(40, 30, 4, 3, 2, 6, 9, true);
        clock.advance(Duration.ofSeconds(2));
        sampler.sample();
        String json = DashboardState.json(sampler, false, "");
        assertTrue(json.contains("\"name\":\"orders-in\",\"kind\":\"stream-consumer\",\"family\":\"streaming\""), json);
        assertTrue(json.contains("[\"claimed\",4]"), json);
        assertTrue(json.contains("[\"deadLettered\",2]"), json);
        assertTrue(json.contains("{\"title\":\"read /s\",\"points\":[20]}"), json);
        assertTrue(json.contains("{\"title\":\"acknowledged /s\",\"points\":[15]}"), json);
        assertTrue(json.contains("{\"title\":\"in flight\",\"points\":[6]}"), json);
        assertTrue(json.contains("{\"title\":\"pending\",\"points\":[9]}"), json);
    }

    /** Not a record, and no toMap() of its own: its toMap() throws UnsupportedOperationException. */
    private static final class NotARecord implements Stats {
    }

    /** A listed primitive of a plugin, with the figures the test gives it. */
    private record Listed(String name, Kind kind, Stats stats) implements Primitive {
        @Override
        public void close() {
        }
    }

    @Test
    void aPrimitiveWhoseFiguresCannotBeReadLeavesTheOthersOnThePageInTheMetricsAndTheChecks() throws Exception {
        RateLimiter api = goflow.tokenBucket().name("api").rate(1).burst(100).build();
        goflow.register(new Listed("orders-in", Primitive.Kind.STREAM_CONSUMER, new NotARecord()));
        goflow.register(new Listed("gone", Primitive.Kind.CHANNEL, new Stats() { // its plugin was refreshed
            @Override
            public java.util.Map<String, Object> toMap() {
                throw new NoClassDefFoundError("goflow/plugin/GoneStats");
            }
        }));
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(Sampler.class.getName());
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                logged.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        String json;
        try {
            sampler.sample();
            api.allow();
            clock.advance(Duration.ofSeconds(1));
            sampler.sample();
            json = DashboardState.json(sampler, false, "");
        } finally {
            logger.removeHandler(capture);
        }
        assertEquals(2, logged.size(), () -> "each unreadable primitive logged once: " + logged);
        assertTrue(json.contains("{\"title\":\"admitted /s\",\"points\":[1]}"), json);
        assertTrue(json.contains("\"name\":\"orders-in\",\"kind\":\"stream-consumer\",\"family\":\"streaming\","
                + "\"owner\":\"goflow.pipeline~hash\",\"figures\":[]"), json);
        String text = PrometheusText.toText(MetricsServlet.samples(sampler));
        assertEquals("1", Promtool.samples(text).get("goflow_token_bucket_allowed_total{name=\"api\","
                + "kind=\"token-bucket\",owner=\"goflow.pipeline~hash\"}"), text);
        Promtool.check(text);
        assertEquals(org.apache.felix.hc.api.Result.Status.OK,
                new LimiterHealthCheck(sampler, Thresholds.DEFAULTS).execute().getStatus());
    }

    @Test
    void aFloodOfPrimitivesIsRenderedInLinearTime() {
        for (int i = 0; i < 2000; i++) {
            goflow.tokenBucket().name("b" + i).rate(1).burst(10).build();
        }
        for (int i = 0; i <= DashboardState.POINTS; i++) {
            sampler.sample();
            clock.advance(Duration.ofSeconds(1));
        }
        // 2000 primitives, 2 charts each over 121 frames: well under a second with one lookup per row and
        // frame; a search of every frame's rows for each point (quadratic) took over a minute here
        String json = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> DashboardState.json(sampler, false, ""));
        assertTrue(json.contains("\"name\":\"b1999\""), () -> json.substring(0, 200));
    }

    @Test
    void metricsTellTheStagesAPipelineWaitsFor() throws Exception {
        goflow.pipeline("hash").stage(goflow.stages().reference("trim")).stage(goflow.stages().reference("sha256"))
                .stage(goflow.stages().reference("base64")).build();
        String text = PrometheusText.toText(MetricsServlet.samples(sampler));
        assertEquals("2", Promtool.samples(text).get(
                "goflow_pipeline_missing_stages{name=\"hash\",kind=\"pipeline\",owner=\"goflow.pipeline~hash\"}"), text);
        Promtool.check(text);
    }

    @Test
    void liveChangesApplyValidValuesAndRefuseOthersChangingNothing() throws Exception {
        RateLimiter api = goflow.tokenBucket().name("api").rate(10).burst(10).build();
        WorkerPool pool = goflow.workerPool().name("io").workers(2).build();
        ConcurrencyLimiter cl = goflow.concurrencyLimiter().name("cl").capacity(2).build();
        LeakyBucket lb = goflow.leakyBucket().name("lb").leakRate(3).capacity(4).build();
        Controls c = new Controls(goflow.registry());
        assertEquals("api rate: 10.0 -> 50.0", c.change("api", "rate", "50"));
        assertEquals("api burst: 10 -> 20", c.change("api", "burst", "20"));
        assertEquals("io workers: 2 -> 3", c.change("io", "workers", "3"));
        assertEquals("cl capacity: 2 -> 5", c.change("cl", "capacity", "5"));
        assertEquals("lb capacity: 4 -> 7", c.change("lb", "capacity", "7"));
        assertEquals(400, assertThrows(Controls.Refused.class, () -> c.change("cl", "capacity", "0")).status());
        assertEquals(400, assertThrows(Controls.Refused.class, () -> c.change("lb", "capacity", "-1")).status());
        Controls.Refused bad = assertThrows(Controls.Refused.class, () -> c.change("api", "burst", "0"));
        assertEquals(400, bad.status());
        assertEquals("invalid burst='0' (must be a whole number from 1 to 4503599627370496)", bad.getMessage());
        assertEquals(400, assertThrows(Controls.Refused.class, () -> c.change("api", "rate", "-1")).status());
        assertEquals(400, assertThrows(Controls.Refused.class, () -> c.change("api", "rate", "1e-400")).status());
        assertEquals(400, assertThrows(Controls.Refused.class, () -> c.change("api", "rate", "1e400")).status());
        assertEquals(400, assertThrows(Controls.Refused.class, () -> c.change("io", "workers", "99999999999")).status());
        assertEquals(400, assertThrows(Controls.Refused.class, () -> c.change("io", "rate", "5")).status());
        Controls.Refused missing = assertThrows(Controls.Refused.class, () -> c.change("nope", "rate", "5"));
        assertEquals(404, missing.status());
        for (String live : List.of("api", "cl", "io", "lb")) {
            assertTrue(missing.getMessage().contains(live), missing.getMessage());
        }
        assertEquals(50.0, api.rate().eventsPerSecond());
        assertEquals(20, api.burst());
        assertEquals(3, pool.workers());
        assertEquals(5, cl.capacity());
        assertEquals(7, lb.capacity());
        pool.shutdown().join();
    }

    @Test
    void anAdaptiveLimiterHasItsChartsAndItsLimitChangesLive() throws Exception {
        AdaptiveLimiter db = goflow.adaptiveLimiter().name("db").algorithm(AimdLimit.defaults()).initialLimit(10)
                .minLimit(2).maxLimit(40).build();
        sampler.sample();
        for (int i = 0; i < 6; i++) {
            db.tryAcquirePermit().orElseThrow().success();
        }
        db.tryAcquirePermit().orElseThrow().dropped();
        clock.advance(Duration.ofSeconds(2));
        sampler.sample();
        String json = DashboardState.json(sampler, false, "");
        assertTrue(json.contains("{\"title\":\"limit\",\"points\":[10]}"), json);
        assertTrue(json.contains("{\"title\":\"succeeded /s\",\"points\":[3]}"), json); // 6 in 2 s
        assertTrue(json.contains("{\"title\":\"dropped /s\",\"points\":[0.5]}"), json);
        Controls c = new Controls(goflow.registry());
        assertEquals("db limit: 10 -> 25", c.change("db", "limit", "25"));
        Controls.Refused outside = assertThrows(Controls.Refused.class, () -> c.change("db", "limit", "41"));
        assertEquals(400, outside.status());
        assertTrue(outside.getMessage().contains("limit=41"), outside.getMessage());
        assertEquals(25, db.limit());
        String text = PrometheusText.toText(MetricsServlet.samples(sampler));
        assertEquals("1", Promtool.samples(text).get("goflow_adaptive_limiter_algorithm{name=\"db\","
                + "kind=\"adaptive-limiter\",owner=\"goflow.pipeline~hash\",algorithm=\"aimd\"}"), text);
        Promtool.check(text);
    }

    @Test
    void aPostMustComeFromThePagesOriginWithItsSessionToken() {
        String ok = Csrf.refusal("http", "127.0.0.1:8080", List.of(), "http://127.0.0.1:8080", "same-origin", "t0k", "t0k");
        assertNull(ok);
        assertNull(Csrf.refusal("http", "127.0.0.1:8080", List.of(), "http://127.0.0.1:8080", null, "t0k", "t0k"));
        assertTrue(Csrf.refusal("http", "127.0.0.1:8080", List.of(), "http://evil.example", "cross-site", "t0k", "t0k")
                .contains("cross-site"));
        assertTrue(Csrf.refusal("http", "127.0.0.1:8080", List.of(), "http://evil.example", null, "t0k", "t0k")
                .contains("cross-origin"));
        assertTrue(Csrf.refusal("http", "127.0.0.1:8080", List.of(), "http://127.0.0.1:9090", null, "t0k", "t0k")
                .contains("cross-origin"));
        assertTrue(Csrf.refusal("http", "127.0.0.1:8080", List.of(), null, null, "t0k", "t0k").contains("without an Origin"));
        assertTrue(Csrf.refusal("http", "127.0.0.1:8080", List.of(), "http://127.0.0.1:8080", null, "t0k", "other")
                .contains("X-GoFlow-Token"));
        assertTrue(Csrf.refusal("http", "127.0.0.1:8080", List.of(), "http://127.0.0.1:8080", null, null, null)
                .contains("X-GoFlow-Token"));
        assertFalse(Csrf.newToken().equals(Csrf.newToken()));
    }

    @Test
    void withoutConfiguredOriginsAChangeSentToAHostNameIsRefusedAgainstDnsRebinding() {
        // evil.example's page, its name rebound to this server: same-origin in the browser's eyes
        String rebound = Csrf.refusal("http", "evil.example:8080", List.of(), "http://evil.example:8080",
                "same-origin", "t0k", "t0k");
        assertNotNull(rebound);
        assertTrue(rebound.contains("http://evil.example:8080") && rebound.contains("controls.origins"), rebound);
        assertNull(Csrf.refusal("http", "localhost:8080", List.of(), "http://localhost:8080", "same-origin", "t0k",
                "t0k"));
        assertNull(Csrf.refusal("http", "[::1]:8080", List.of(), "http://[::1]:8080", null, "t0k", "t0k"));
        assertNull(Csrf.refusal("http", "10.1.2.3", List.of(), "http://10.1.2.3", null, "t0k", "t0k"));
        // a name the operator lists is trusted
        assertNull(Csrf.refusal("http", "dash.example.com", List.of("http://dash.example.com"),
                "http://dash.example.com", "same-origin", "t0k", "t0k"));
    }

    @Test
    void theSamplingThreadStopsWithTheComponent() {
        Sampler live = new Sampler(goflow.registry(), plugins, clock, Duration.ofMillis(100), 10);
        live.start();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> live.history().frames().size() >= 2);
        live.stop();
        org.awaitility.Awaitility.await("the sampler thread ends").atMost(Duration.ofSeconds(10))
                .until(() -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().equals("goflow-web-sampler") && t.isAlive()));
    }

    @Test
    void jsonEscapesWhatAPageCouldMisread() {
        assertEquals("{\"a\\\"b\":[\"\\u003c/script\\u003e\",null,1.5,true,null]}",
                Json.write(java.util.Map.of("a\"b", java.util.Arrays.asList("</script>", Double.NaN, 1.5, true, null))));
    }
}
