package goflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAdder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.Primitive;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.metrics.FailingNumber;

/** The dashboard's state at its edges: figures of plugins' primitives that a page could not read. */
class DashboardEdgeReviewTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlow goflow = new GoFlowImpl(clock, "test");
    private final Sampler sampler = new Sampler(goflow.registry(), Plugins.none(), clock, Duration.ofSeconds(1), 10);

    @AfterEach
    void close() {
        goflow.close();
    }

    @Test
    void aNumberOfAnyTypeThatIsNotFiniteIsWrittenAsJsonNull() {
        DoubleAdder nan = new DoubleAdder();
        nan.add(Double.NaN);
        DoubleAdder inf = new DoubleAdder();
        inf.add(Double.POSITIVE_INFINITY);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("load", nan);
        figures.put("peak", inf);
        figures.put("sent", 3L);
        goflow.register(new PluginPrimitive("odd", Primitive.Kind.CHANNEL, figures));
        sampler.sample();
        clock.advance(Duration.ofSeconds(1));
        sampler.sample();
        String json = DashboardState.json(sampler, false, null);
        // read as a Double when sampled, and shown as a Double figure is
        assertTrue(json.contains("[\"load\",\"NaN\"],[\"peak\",\"Infinity\"],[\"sent\",3]"), json);
        assertTrue(!json.matches("(?s).*[^\"](NaN|Infinity).*"), "valid JSON: no bare NaN or Infinity: " + json);
    }

    @Test
    void figureNamesThatDifferOnlyInALoneSurrogateStayApartInTheJson() {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("lag\uD800", 1L);
        figures.put("lag\uDC00", 2L);
        figures.put("emoji\uD83D\uDE00", 3L); // a pair: written as it is
        goflow.register(new PluginPrimitive("odd", Primitive.Kind.CHANNEL, figures));
        sampler.sample();
        String json = DashboardState.json(sampler, false, null);
        assertTrue(json.contains("[\"lag\\ud800\",1],[\"lag\\udc00\",2],[\"emoji\uD83D\uDE00\",3]"), json);
    }

    @Test
    void aFigureNamedLikeAStageOrTaskPrefixAndSuffixAloneLeavesThePageAndTheChecksWorking() {
        goflow.tokenBucket().name("api").rate(1).burst(1).build();
        goflow.register(new PluginPrimitive("odd", Primitive.Kind.PIPELINE, Map.of("stage.count", 1L, "executions", 2L)));
        goflow.register(new PluginPrimitive("odd-scheduler", Primitive.Kind.SCHEDULER, Map.of("task.runs", 1L)));
        sampler.sample();
        String json = DashboardState.json(sampler, false, null);
        assertTrue(json.contains("\"name\":\"api\""), json);
        assertTrue(json.contains("\"name\":\"odd\""), json);
        org.apache.felix.hc.api.Result r = new SchedulerHealthCheck(sampler, Thresholds.DEFAULTS).execute();
        assertTrue(r.isOk(), r::toString);
    }

    /** The card shows the figures /metrics exports as the pipeline's own, and the stages it labels. */
    @Test
    void aStageFigureWithoutAStageNameIsShownAsThePipelinesOwnFigureAsMetricsExportsIt() {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("executions", 2L);
        figures.put("stage.count", 7L);
        figures.put("stage.trim.count", 2L);
        figures.put("stage.trim.errors", 0L);
        figures.put("stage.a.b.count", 1L);
        goflow.register(new PluginPrimitive("plug", Primitive.Kind.PIPELINE, figures));
        sampler.sample();
        String json = DashboardState.json(sampler, false, null);
        assertTrue(json.contains("\"figures\":[[\"executions\",2],[\"stage.count\",7]]"), json);
        assertTrue(json.contains("\"stages\":[{\"name\":\"trim\",\"count\":2,\"errors\":0,"), json);
        assertTrue(json.contains("{\"name\":\"a.b\",\"count\":1,"), json);
    }

    /** A plugin's figure whose text cannot be made: throws an Error, or is null. */
    private record Odd(boolean fails) {
        @Override
        public String toString() {
            if (fails) {
                throw new LinkageError("odd figure");
            }
            return null;
        }
    }

    @Test
    void aFigureWhoseTextFailsOrIsNullLeavesThePageWorkingForEveryPrimitive() {
        goflow.tokenBucket().name("api").rate(1).burst(1).build();
        goflow.register(new PluginPrimitive("odd", Primitive.Kind.CHANNEL, Map.of("sent", 1L, "mode", new Odd(true))));
        Map<String, Object> blank = new LinkedHashMap<>();
        blank.put("mode", new Odd(false));
        blank.put("last", null);
        blank.put("sent", 2L);
        goflow.register(new PluginPrimitive("blank", Primitive.Kind.CHANNEL, blank));
        sampler.sample();
        String json = DashboardState.json(sampler, false, null);
        assertTrue(json.contains("\"name\":\"api\""), json);
        assertTrue(json.contains("\"name\":\"odd\""), json); // listed, without the figures that cannot be read
        assertTrue(json.contains("\"name\":\"blank\"") && json.contains("\"figures\":[[\"sent\",2]]"), json);
    }

    @Test
    void aNumberThatFailsWhenReadLeavesThePageAndTheHistoryWorkingForEveryPrimitive() {
        RateLimiter api = goflow.tokenBucket().name("api").rate(1).burst(1).build();
        goflow.register(new PluginPrimitive("odd", Primitive.Kind.CHANNEL,
                Map.of("sent", 1L, "lag", new FailingNumber())));
        sampler.sample();
        api.allow();
        clock.advance(Duration.ofSeconds(1));
        sampler.sample();
        String json = DashboardState.json(sampler, true, null);
        assertTrue(json.contains("\"name\":\"api\""), json);
        assertTrue(json.contains("\"name\":\"odd\""), json); // listed, without the figures that cannot be read
        java.util.List<PastFrame> frames = sampler.history().frames();
        assertEquals(2, frames.size());
        PastFrame newest = frames.get(1);
        assertEquals(1.0, newest.number(Frame.Row.key(goflow.registry().snapshot().stream()
                .filter(r -> r.name().equals("api")).findFirst().orElseThrow()), "allowed"), json);
    }

    /** A plugin's primitive whose figures cannot be read. */
    private record Unreadable(String name) implements Primitive {
        @Override
        public Kind kind() {
            return Kind.CHANNEL;
        }

        @Override
        public goflow.api.inspect.Stats stats() {
            return new goflow.api.inspect.Stats() {
                @Override
                public Map<String, Object> toMap() {
                    throw new IllegalStateException("its plugin is gone");
                }
            };
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aPrimitiveWhoseFiguresCannotBeReadIsForgottenOnceClosedSoItsSuccessorIsLoggedAgain() {
        java.util.List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
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
        try {
            for (int i = 0; i < 1000; i++) { // a flood of short-lived primitives, each failing once
                try (goflow.api.Registration r = goflow.register(new Unreadable("gone-" + i))) {
                    sampler.sample();
                }
            }
            assertEquals(1000, logged.size(), () -> "each logged once: " + logged.size());
            sampler.sample(); // none of them is live any more
            goflow.register(new Unreadable("gone-7")); // a new primitive under an old name, failing too
            sampler.sample();
            assertEquals(1001, logged.size(), "the new primitive's failure is logged, not taken for its predecessor's");
        } finally {
            logger.removeHandler(capture);
        }
    }

    /** The page's footer says how long its charts' 120 samples cover, which the interval sets. */
    @Test
    void theChartsSpanFollowsTheSamplingInterval() {
        assertTrue(DashboardState.json(sampler, false, null).contains("\"chartSpan\":\"2 minutes\""));
        Sampler slow = new Sampler(goflow.registry(), Plugins.none(), clock, Duration.ofSeconds(5), 10); // not started
        assertTrue(DashboardState.json(slow, false, null).contains("\"chartSpan\":\"10 minutes\""));
        assertEquals("12 seconds", DashboardState.span(Duration.ofMillis(100).multipliedBy(DashboardState.POINTS)));
        assertEquals("1.2 seconds", DashboardState.span(Duration.ofMillis(10).multipliedBy(DashboardState.POINTS)));
        assertEquals("90 seconds", DashboardState.span(Duration.ofMillis(750).multipliedBy(DashboardState.POINTS)));
    }
}
