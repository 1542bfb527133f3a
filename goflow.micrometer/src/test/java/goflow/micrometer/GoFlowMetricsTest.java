package goflow.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import goflow.api.GoFlow;
import goflow.api.Primitive;
import goflow.api.channel.BackpressureChannel;
import goflow.api.channel.OverflowStrategy;
import goflow.api.inspect.PrimitiveInfo;
import goflow.api.io.AsyncWriter;
import goflow.api.pipeline.Pipeline;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.KeyedRateLimiter;
import goflow.api.ratelimit.LeakyBucket;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.schedule.Scheduler;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.osgi.LiveRegistry;
import goflow.metrics.FailingNumber;
import goflow.metrics.Sample;
import goflow.metrics.Samples;
import goflow.redis.streams.RedisStreamConsumer;
import redis.clients.jedis.RedisClient;

/** A plain JVM: goflow primitives in a SimpleMeterRegistry give the same figures as the Prometheus exposition. */
class GoFlowMetricsTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlow goflow = new GoFlowImpl(clock, "application");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void close() {
        goflow.close();
        meters.close();
    }

    private static double value(Meter m) {
        if (m instanceof FunctionCounter c) {
            return c.count();
        }
        if (m instanceof TimeGauge g) {
            return g.value(TimeUnit.SECONDS);
        }
        return ((Gauge) m).value();
    }

    @Test
    void everyFigureOfTheExpositionIsAMeterWithTheSameValue() throws Exception {
        RateLimiter api = goflow.tokenBucket().name("api").rate(1).burst(5).build();
        for (int i = 0; i < 12; i++) {
            api.allow();
        }
        WorkerPool pool = goflow.workerPool().name("jobs").workers(2).build();
        for (int i = 0; i < 4; i++) {
            int n = i;
            pool.submit(ctx -> {
                if (n == 0) {
                    throw new IllegalStateException("boom");
                }
                return n;
            }).join();
        }
        Pipeline<String, String> words = goflow.pipeline("words").stage("trim", String::trim).build();
        words.execute(" a ");
        // one primitive of every other kind, so that every figure of every kind is compared below
        LeakyBucket lb = goflow.leakyBucket().name("lb").leakRate(3).capacity(2).build();
        lb.allow();
        ConcurrencyLimiter cl = goflow.concurrencyLimiter().name("cl").capacity(2).build();
        AdaptiveLimiter al = goflow.adaptiveLimiter().name("al").build();
        KeyedRateLimiter<String> kl = goflow.keyedRateLimiter().name("kl").rate(1).burst(1).build();
        kl.allow("k");
        kl.allow("k");
        Scheduler sc = goflow.scheduler().name("sc").build();
        BackpressureChannel<String> ch = goflow.<String>channel().name("ch").capacity(4)
                .strategy(OverflowStrategy.DROP_OLDEST).build();
        ch.trySend("x");
        AsyncWriter aw = goflow.asyncWriter().name("aw").output(OutputStream.nullOutputStream()).build();
        // a stream consumer, listed and never started: its figures are there without a Redis server
        RedisClient nowhere = RedisClient.create("127.0.0.1", 1);
        RedisStreamConsumer rc = RedisStreamConsumer.builder(nowhere)
                .stream("in").group("g").output("out").name("rc").listIn(goflow)
                .pipeline(goflow.pipeline("rc-pipe").input(String.class).stage("s", s -> s).build()).build();
        GoFlowMetrics.of(goflow.registry()).bindTo(meters);
        Set<Primitive.Kind> kinds = EnumSet.noneOf(Primitive.Kind.class);
        goflow.registry().snapshot().stream().map(PrimitiveInfo::kind).forEach(kinds::add);
        assertEquals(EnumSet.allOf(Primitive.Kind.class), kinds, "a kind of primitive is missing from this test");

        assertEquals(5.0, meters.get("goflow.token.bucket.allowed").tag("name", "api").functionCounter().count());
        assertEquals(7.0, meters.get("goflow.token.bucket.denied").tag("name", "api").functionCounter().count());
        assertEquals(1.0, meters.get("goflow.worker.pool.failed").tag("name", "jobs").functionCounter().count());
        assertEquals(1.0, meters.get("goflow.worker.pool.state").tags("name", "jobs", "state", "RUNNING").gauge().value());
        assertEquals(0.0, meters.get("goflow.worker.pool.state").tags("name", "jobs", "state", "TERMINATED").gauge().value());
        assertEquals(1.0, meters.get("goflow.pipeline.stage.calls").tags("name", "words", "stage", "trim")
                .functionCounter().count());

        List<Sample> samples = Samples.of(goflow.registry().snapshot());
        int compared = 0;
        for (Sample s : samples) {
            List<Tag> tags = new ArrayList<>();
            for (Map.Entry<String, String> e : s.labels().entrySet()) {
                tags.add(Tag.of(e.getKey(), e.getValue()));
            }
            Meter m = meters.find(s.metric().micrometerName()).tags(tags).meter();
            assertNotNull(m, () -> "no meter for " + s);
            assertEquals(s.doubleValue(), value(m), 1e-9, s::toString);
            compared++;
        }
        assertEquals(samples.size(), compared);
        api.allow();
        assertEquals(5.0, meters.get("goflow.token.bucket.allowed").tag("name", "api").functionCounter().count());
        assertEquals(8.0, meters.get("goflow.token.bucket.denied").tag("name", "api").functionCounter().count(),
                "a meter reads the live figure");
        assertEquals(1.0, meters.get("goflow.adaptive.limiter.algorithm")
                .tags("name", "al", "algorithm", al.stats().toMap().get("algorithm").toString()).gauge().value(),
                "a text figure is a gauge of 1 tagged with the text");
        pool.shutdown().join();
        for (Primitive p : List.of(lb, cl, al, kl, sc, ch, aw, rc)) {
            p.close();
        }
        nowhere.close();
    }

    @Test
    void refreshBindsNewPrimitivesAndRemovesClosedOnes() {
        RateLimiter a = goflow.tokenBucket().name("a").rate(1).burst(1).build();
        GoFlowMetrics binder = GoFlowMetrics.of(goflow.registry());
        binder.bindTo(meters);
        assertNull(meters.find("goflow.token.bucket.allowed").tag("name", "b").meter());
        RateLimiter b = goflow.tokenBucket().name("b").rate(1).burst(1).build();
        binder.refresh();
        assertNotNull(meters.find("goflow.token.bucket.allowed").tag("name", "b").meter());
        a.close();
        binder.refresh();
        assertNull(meters.find("goflow.token.bucket.allowed").tag("name", "a").meter());
        b.close();
    }

    @Test
    void aSecondRegistryBoundLaterLeavesNoPrimitiveOutOfTheFirst() {
        RateLimiter a = goflow.tokenBucket().name("a").rate(1).burst(1).build();
        GoFlowMetrics binder = GoFlowMetrics.of(goflow.registry());
        binder.bindTo(meters);
        RateLimiter b = goflow.tokenBucket().name("b").rate(1).burst(1).build();
        a.close();
        RateLimiter a2 = goflow.tokenBucket().name("a").rate(1).burst(7).build();
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        binder.bindTo(second);
        binder.refresh();
        for (SimpleMeterRegistry r : List.of(meters, second)) {
            assertNotNull(r.find("goflow.token.bucket.allowed").tag("name", "b").meter(), "b in every registry");
            assertEquals(7.0, r.get("goflow.token.bucket.burst").tag("name", "a").gauge().value(),
                    "the new 'a' in every registry, not the closed one");
        }
        b.close();
        a2.close();
        binder.refresh();
        for (SimpleMeterRegistry r : List.of(meters, second)) {
            assertEquals(List.of(), r.getMeters(), "no meter left behind");
        }
        second.close();
    }

    /**
     * In an OSGi framework two bundles may each have a limiter named 'api': each owner's meters read
     * that owner's limiter (the binder once read the first one's figures for both).
     */
    @Test
    void twoOwnersPrimitivesOfTheSameNameEachGiveTheirOwnFigures() {
        GoFlowImpl other = new GoFlowImpl(clock, "bundle.b");
        LiveRegistry live = new LiveRegistry();
        live.add(((GoFlowImpl) goflow).registry());
        live.add(other.registry());
        try {
            goflow.tokenBucket().name("api").rate(1).burst(3).build();
            other.tokenBucket().name("api").rate(1).burst(9).build();
            GoFlowMetrics.of(live).bindTo(meters);
            assertEquals(3.0, meters.get("goflow.token.bucket.burst").tags("name", "api", "owner", "application")
                    .gauge().value());
            assertEquals(9.0, meters.get("goflow.token.bucket.burst").tags("name", "api", "owner", "bundle.b")
                    .gauge().value());
        } finally {
            other.close();
        }
    }

    @Test
    void oneBinderPerPrimitiveTagsItsOwnerApplication() {
        RateLimiter a = goflow.tokenBucket().name("solo").rate(1).burst(3).build();
        a.allow();
        GoFlowMetrics.of(a).bindTo(meters);
        assertEquals(1.0, meters.get("goflow.token.bucket.allowed").tags("name", "solo", "owner", "application",
                "kind", "token-bucket").functionCounter().count());
        assertEquals(3.0, meters.get("goflow.token.bucket.burst").tag("name", "solo").gauge().value());
    }

    /** A plugin's primitive whose text figures are named like the labels of its row. */
    private record Plugin(String name, Kind kind, goflow.api.inspect.Stats stats) implements Primitive {
        @Override
        public void close() {
        }
    }

    @Test
    void aTextFigureNamedLikeATagIsTaggedFigureNameAndLeavesTheRowsTagsAlone() {
        Map<String, Object> figures = Map.of("name", "other", "owner", "me");
        goflow.api.inspect.Stats stats = new goflow.api.inspect.Stats() {
            @Override
            public Map<String, Object> toMap() {
                return figures;
            }
        };
        GoFlowMetrics.of(new Plugin("src", Primitive.Kind.STREAM_CONSUMER, stats)).bindTo(meters);
        assertEquals(1.0, meters.get("goflow.stream.consumer.name").tags("name", "src", "owner", "application",
                "figure_name", "other").gauge().value());
        assertEquals(1.0, meters.get("goflow.stream.consumer.owner").tags("name", "src", "owner", "application",
                "figure_owner", "me").gauge().value());
    }

    /** Not a record, and no toMap() of its own: toMap() throws, as Stats documents. */
    private static final class NotARecord implements goflow.api.inspect.Stats {
    }

    @Test
    void aPrimitiveWhoseFiguresCannotBeReadIsLeftOutAndTheOthersAreBound() {
        RateLimiter a = goflow.tokenBucket().name("a").rate(1).burst(1).build();
        RateLimiter z = goflow.tokenBucket().name("z").rate(1).burst(1).build();
        goflow.register(new Plugin("broken", Primitive.Kind.STREAM_CONSUMER, new NotARecord()));
        GoFlowMetrics binder = GoFlowMetrics.of(goflow.registry());
        java.util.logging.Logger jul = java.util.logging.Logger.getLogger(GoFlowMetrics.class.getName());
        List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                warnings.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jul.addHandler(capture);
        try {
            binder.bindTo(meters);
            binder.refresh();
            binder.refresh();
        } finally {
            jul.removeHandler(capture);
        }
        assertEquals(1, warnings.size(), "said once, not at every refresh: " + warnings);
        assertTrue(warnings.get(0).contains("'broken'"), warnings.get(0));
        for (String name : List.of("a", "z")) {
            assertNotNull(meters.find("goflow.token.bucket.allowed").tag("name", name).meter(), name);
        }
        assertEquals(List.of(), meters.getMeters().stream().filter(m -> "broken".equals(m.getId().getTag("name")))
                .toList());
        RateLimiter b = goflow.tokenBucket().name("b").rate(1).burst(1).build();
        binder.refresh();
        assertNotNull(meters.find("goflow.token.bucket.allowed").tag("name", "b").meter(), "b, bound by refresh()");
        a.close();
        b.close();
        z.close();
    }

    @Test
    void aFigureNamedStageWithoutAStageIsAFigureOfItsOwnAsInTheExposition() {
        Map<String, Object> figures = new java.util.LinkedHashMap<>();
        figures.put("stage.x", 1L);
        figures.put("stage..count", 2L);
        figures.put("read", 3L);
        goflow.api.inspect.Stats stats = new goflow.api.inspect.Stats() {
            @Override
            public Map<String, Object> toMap() {
                return figures;
            }
        };
        Plugin plugin = new Plugin("src", Primitive.Kind.STREAM_CONSUMER, stats);
        GoFlowMetrics.of(plugin).bindTo(meters);
        assertEquals(3.0, meters.get("goflow.stream.consumer.read").tag("name", "src").functionCounter().count());
        assertEquals(1.0, meters.get("goflow.stream.consumer.stage.x").tag("name", "src").gauge().value());
        assertEquals(2.0, meters.get("goflow.stream.consumer.stage..count.value").tag("name", "src").gauge().value());
        List<Sample> samples = Samples.of(List.of(new PrimitiveInfo("src", Primitive.Kind.STREAM_CONSUMER,
                "application", stats)));
        assertEquals(samples.size(), meters.getMeters().size(), () -> "as many meters as samples: " + samples + " "
                + meters.getMeters().stream().map(Meter::getId).toList());
    }

    /**
     * A plugin's figures that could be read at bind time and throw later (an exception or an
     * Error) must not take the registry's publication down: its counters read NaN, as Micrometer's
     * own gauges do, and the other primitives' meters are read as usual.
     */
    @Test
    void aPrimitiveWhoseFiguresThrowAfterBindingLeavesThePublicationWorking() {
        RateLimiter a = goflow.tokenBucket().name("a").rate(1).burst(1).build();
        a.allow();
        java.util.concurrent.atomic.AtomicReference<Throwable> fail = new java.util.concurrent.atomic.AtomicReference<>();
        goflow.api.inspect.Stats stats = new goflow.api.inspect.Stats() {
            @Override
            public Map<String, Object> toMap() {
                Throwable t = fail.get();
                if (t instanceof Error e) {
                    throw e;
                }
                if (t != null) {
                    throw (RuntimeException) t;
                }
                return Map.of("read", 3L, "pending", 2L);
            }
        };
        goflow.register(new Plugin("flaky", Primitive.Kind.STREAM_CONSUMER, stats));
        GoFlowMetrics.of(goflow.registry()).bindTo(meters);
        assertEquals(3.0, meters.get("goflow.stream.consumer.read").tag("name", "flaky").functionCounter().count());
        for (Throwable t : List.of(new IllegalStateException("gone"), new AssertionError("broken"))) {
            fail.set(t);
            String text = org.junit.jupiter.api.Assertions.assertDoesNotThrow(meters::getMetersAsString, t::toString);
            assertTrue(text.contains("goflow.token.bucket.allowed"), text);
            assertTrue(Double.isNaN(meters.get("goflow.stream.consumer.read").tag("name", "flaky").functionCounter()
                    .count()), t::toString);
            assertEquals(1.0, meters.get("goflow.token.bucket.allowed").tag("name", "a").functionCounter().count());
        }
        a.close();
    }

    @Test
    void aPluginsNumberThatFailsWhenReadReadsNaNAndLeavesThePublicationWorking() {
        RateLimiter a = goflow.tokenBucket().name("a").rate(1).burst(1).build();
        a.allow();
        Map<String, Object> figures = new java.util.LinkedHashMap<>();
        figures.put("read", new FailingNumber()); // a counter: Micrometer lets what its function throws through
        figures.put("lag", new FailingNumber()); // a gauge
        figures.put("pending", 3L);
        goflow.api.inspect.Stats stats = new goflow.api.inspect.Stats() {
            @Override
            public Map<String, Object> toMap() {
                return figures;
            }
        };
        goflow.register(new Plugin("odd", Primitive.Kind.STREAM_CONSUMER, stats));
        GoFlowMetrics.of(goflow.registry()).bindTo(meters);
        String text = org.junit.jupiter.api.Assertions.assertDoesNotThrow(meters::getMetersAsString);
        assertTrue(text.contains("goflow.token.bucket.allowed"), text);
        assertTrue(Double.isNaN(meters.get("goflow.stream.consumer.lag").tag("name", "odd").gauge().value()));
        assertTrue(Double.isNaN(meters.get("goflow.stream.consumer.read").tag("name", "odd").functionCounter().count()));
        assertEquals(3.0, meters.get("goflow.stream.consumer.pending").tag("name", "odd").gauge().value());
        assertEquals(1.0, meters.get("goflow.token.bucket.allowed").tag("name", "a").functionCounter().count());
    }

    /**
     * A plugin's figures whose meters Micrometer refuses (here an undocumented gauge and a duration
     * of the catalogue that share one Micrometer name, a Gauge and then a TimeGauge) leave that
     * primitive unbound, without a meter left behind, and the other primitives bound.
     */
    @Test
    void aPrimitiveWhoseMetersMicrometerRefusesIsLeftOutWithoutAMeterLeftBehind() {
        RateLimiter a = goflow.tokenBucket().name("a").rate(1).burst(1).build();
        Map<String, Object> figures = new java.util.LinkedHashMap<>();
        figures.put("executions", 1L);
        figures.put("average_duration", 5L);
        figures.put("averageDuration", java.time.Duration.ofSeconds(2));
        goflow.api.inspect.Stats stats = new goflow.api.inspect.Stats() {
            @Override
            public Map<String, Object> toMap() {
                return figures;
            }
        };
        goflow.register(new Plugin("clash", Primitive.Kind.PIPELINE, stats));
        RateLimiter z = goflow.tokenBucket().name("z").rate(1).burst(1).build();
        GoFlowMetrics binder = GoFlowMetrics.of(goflow.registry());
        binder.bindTo(meters);
        binder.refresh();
        for (String name : List.of("a", "z")) {
            assertNotNull(meters.find("goflow.token.bucket.allowed").tag("name", name).meter(), name);
        }
        assertEquals(List.of(), meters.getMeters().stream().filter(m -> "clash".equals(m.getId().getTag("name")))
                .map(Meter::getId).toList());
        // a second registry holding a meter of another type under a's counter's id: a unbound in both
        SimpleMeterRegistry second = new SimpleMeterRegistry();
        second.gauge("goflow.token.bucket.allowed", io.micrometer.core.instrument.Tags.of("name", "a", "kind",
                "token-bucket", "owner", "application"), 42);
        binder.bindTo(second);
        for (SimpleMeterRegistry r : List.of(meters, second)) {
            assertNotNull(r.find("goflow.token.bucket.allowed").tag("name", "z").functionCounter(), "z bound");
            assertNull(r.find("goflow.token.bucket.burst").tag("name", "a").meter(), () -> "a unbound everywhere: "
                    + (r == meters) + " " + r.getMeters().stream().map(Meter::getId).toList());
        }
        assertEquals(1, second.getMeters().stream().filter(m -> "a".equals(m.getId().getTag("name"))).count(),
                "only the registry's own meter of that id");
        a.close();
        z.close();
        binder.refresh();
        assertEquals(List.of(), meters.getMeters());
        second.close();
    }

    /** A plugin's primitive whose stats() throws while {@code down} is set (a remote backend unreachable). */
    private record Remote(String name, java.util.concurrent.atomic.AtomicBoolean down) implements Primitive {
        @Override
        public Kind kind() {
            return Kind.STREAM_CONSUMER;
        }

        @Override
        public goflow.api.inspect.Stats stats() {
            if (down.get()) {
                throw new IllegalStateException("backend unreachable");
            }
            return new goflow.api.inspect.Stats() {
                @Override
                public Map<String, Object> toMap() {
                    return Map.of("read", 3L);
                }
            };
        }

        @Override
        public void close() {
        }
    }

    /**
     * A primitive whose stats() throws when bound (the registry lists it with the one figure
     * statsError) is left without meters, as one whose toMap() throws, and bound with its own
     * figures once they can be read: it was bound with a gauge of its statsError, reading NaN, and
     * never with its figures, whatever later refreshes found.
     */
    @Test
    void aPrimitiveWhoseStatsThrowWhenBoundIsBoundWithItsFiguresOnceTheyCanBeRead() {
        java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean(true);
        goflow.register(new Remote("remote", down));
        GoFlowMetrics binder = GoFlowMetrics.of(goflow.registry());
        binder.bindTo(meters);
        assertEquals(List.of(), meters.getMeters().stream().filter(m -> "remote".equals(m.getId().getTag("name")))
                .map(m -> m.getId().getName()).toList(), "no meter of a primitive whose figures cannot be read");
        down.set(false);
        binder.refresh();
        assertEquals(3.0, meters.get("goflow.stream.consumer.read").tag("name", "remote").functionCounter().count());
    }
}
