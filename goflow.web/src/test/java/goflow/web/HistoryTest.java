package goflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.apache.felix.hc.api.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.pipeline.Pipeline;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;

/**
 * The sampler's history keeps the numbers the charts and the windowed health checks read, within a
 * memory budget whatever the number of primitives; on a manual clock.
 */
class HistoryTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlow goflow = new GoFlowImpl(clock, "test");
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final Logger logger = Logger.getLogger(History.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            log.add(r.getLevel() + " " + r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLog() {
        logger.addHandler(capture);
        logger.setUseParentHandlers(false);
    }

    @AfterEach
    void close() {
        logger.removeHandler(capture);
        logger.setUseParentHandlers(true);
        goflow.close();
    }

    private void buckets(int n) {
        for (int i = 0; i < n; i++) {
            goflow.tokenBucket().name("tenant-" + i).rate(10).burst(10).build();
        }
    }

    @Test
    void fiveThousandPrimitivesKeepTheHistoryWithinItsBudget() {
        buckets(5000);
        Sampler sampler = new Sampler(goflow.registry(), Plugins.none(), clock, Duration.ofSeconds(1), 600);
        History history = sampler.history();
        int figures = PastFrame.of(sampler.now(), null).numbers() / 5000; // 7 numbers a token bucket
        for (int i = 0; i < 200; i++) {
            sampler.sample();
            clock.advance(Duration.ofSeconds(1));
            assertTrue(history.retained() <= History.BUDGET, history.retained() + " after " + (i + 1));
        }
        long frame = History.FRAME_COST + 5000L * figures;
        long layout = 5000L * PastFrame.Layout.ROW_COST + (long) figures * PastFrame.Layout.NAME_COST; // shared by all
        int kept = (int) ((History.BUDGET - layout) / frame);
        assertEquals(kept, history.frames().size());
        assertTrue(kept >= 100 && kept < 200, "kept " + kept); // 111, not the 200 taken
        assertEquals(kept * 5000L, history.rows());
        assertEquals(kept * frame + layout, history.retained());
        assertEquals(clock.nanoTime() - Duration.ofSeconds(1).toNanos(), history.frames().get(kept - 1).nanos(),
                "the newest frames are kept");
        assertEquals(1, log.size(), log::toString); // once, not at every sample
        assertTrue(log.get(0).startsWith("WARNING goflow.web keeps " + kept + " of the 600 samples configured"
                + " (history), covering " + Duration.ofSeconds(kept - 1) + ": 5000 primitives"), log::toString);
        assertTrue(log.get(0).contains("a longer sample.interval (PID goflow.web) covers more time"), log::toString);
    }

    @Test
    void theChartsAndAWindowedCheckWorkOnAShortenedHistory() {
        buckets(9);
        RateLimiter api = goflow.tokenBucket().name("api").rate(10).burst(10).build();
        long layout = 10L * PastFrame.Layout.ROW_COST + 7 * PastFrame.Layout.NAME_COST;
        long budget = layout + 5 * (History.FRAME_COST + 10 * 7); // room for 5 frames of 10 token buckets
        Sampler sampler = new Sampler(goflow.registry(), Plugins.none(), clock, Duration.ofSeconds(1), 600, budget);
        sampler.sample();
        for (int i = 0; i < 100; i++) {
            api.allow(); // 10 admitted, 90 refused: before the frames that will be kept
        }
        clock.advance(Duration.ofSeconds(1));
        for (int s = 0; s < 20; s++) {
            sampler.sample();
            for (int i = 0; i < 10; i++) {
                api.allow(); // 10 admitted a second
            }
            clock.advance(Duration.ofSeconds(1));
        }
        assertEquals(5, sampler.history().frames().size());
        String json = DashboardState.json(sampler, false, "");
        assertTrue(json.contains("{\"title\":\"admitted /s\",\"points\":[10,10,10,10,10]}"), json);
        assertTrue(json.contains("{\"title\":\"denied /s\",\"points\":[0,0,0,0,0]}"), json);

        LimiterHealthCheck check = new LimiterHealthCheck(sampler, Thresholds.DEFAULTS); // window PT5M
        Result ok = check.execute(); // judged from the oldest frame kept, 5 s ago
        assertEquals(Result.Status.OK, ok.getStatus());
        assertTrue(text(ok).contains("token-bucket 'api': 0 of 50 requests refused"), () -> text(ok));
        for (int i = 0; i < 100; i++) {
            api.allow(); // 10 admitted, 90 refused
        }
        Result warn = check.execute();
        assertEquals(Result.Status.WARN, warn.getStatus(), () -> text(warn));
        assertTrue(text(warn).contains("token-bucket 'api': 90 of 150 requests refused in the last PT5S (history"
                + " shorter than the PT5M window) (60.0%)"), () -> text(warn));
    }

    @Test
    void fewPrimitivesKeepEveryFrameConfigured() {
        buckets(20);
        Sampler sampler = new Sampler(goflow.registry(), Plugins.none(), clock, Duration.ofSeconds(1), 600);
        long first = clock.nanoTime();
        for (int i = 0; i < 700; i++) {
            sampler.sample();
            clock.advance(Duration.ofSeconds(1));
        }
        History history = sampler.history();
        assertEquals(600, history.frames().size());
        assertEquals(first + Duration.ofSeconds(100).toNanos(), history.frames().get(0).nanos());
        assertEquals(600 * 20, history.rows());
        assertEquals(600 * (History.FRAME_COST + 20 * 7) + 20 * PastFrame.Layout.ROW_COST
                + 7 * PastFrame.Layout.NAME_COST, history.retained()); // one layout for all the frames
        assertEquals(List.of(), log);
    }

    @Test
    void aPastFrameKeepsEveryNumberARowHadAndSharesItsLayoutWhileNothingChanges() {
        goflow.tokenBucket().name("api").rate(10).burst(10).build().allow();
        Pipeline<String, String> p = goflow.pipeline("orders").stage("parse", (String s) -> {
            clock.advance(Duration.ofMillis(30));
            return s;
        }).build();
        p.execute("x"); // durations among the figures
        goflow.workerPool().name("pool").workers(1).build(); // a text figure: its state
        goflow.scheduler().name("jobs").workers(1).build().task(ctx -> { }).id("tick").every(Duration.ofSeconds(1));
        Sampler sampler = new Sampler(goflow.registry(), Plugins.none(), clock, Duration.ofSeconds(1), 600);
        Frame full = sampler.sample();
        PastFrame past = sampler.history().frames().get(0);
        int checked = 0;
        for (Frame.Row r : full.rows()) {
            assertTrue(past.has(r.key()));
            for (Map.Entry<String, Object> e : r.figures().entrySet()) {
                assertEquals(r.number(e.getKey()), past.number(r.key(), e.getKey()), r.key() + " " + e);
                checked++;
            }
            assertEquals(Double.NaN, past.number(r.key(), "no such figure"));
        }
        assertTrue(checked > 30, "figures checked: " + checked);
        assertTrue(!past.has("nobody\u0000test"));
        assertEquals(Double.NaN, past.number("nobody\u0000test", "allowed"));

        clock.advance(Duration.ofSeconds(1));
        sampler.sample();
        assertSame(past.layout(), sampler.history().frames().get(1).layout(), "same primitives, same figures");
        goflow.tokenBucket().name("new").rate(1).burst(1).build();
        clock.advance(Duration.ofSeconds(1));
        sampler.sample();
        PastFrame third = sampler.history().frames().get(2);
        assertNotSame(past.layout(), third.layout(), "a primitive more");
        History h = sampler.history();
        long numbers = 0;
        for (PastFrame f : h.frames()) {
            numbers += History.FRAME_COST + f.numbers();
        }
        assertEquals(numbers + past.layout().cost + third.layout().cost, h.retained()); // each layout once
    }

    private static String text(Result r) {
        StringBuilder sb = new StringBuilder(r.getStatus().toString());
        r.forEach(e -> sb.append("\n  ").append(e.getStatus()).append(' ').append(e.getMessage()));
        return sb.toString();
    }
}
