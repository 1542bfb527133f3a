package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pipeline.PipelineStats;
import goflow.api.pipeline.StageStats;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

class PipelineStatsTest extends NoThreadLeaks.LeakCheckedTest {

    @AfterEach
    void testThreadIsNotLeftInterrupted() {
        assertFalse(Thread.interrupted(), "the test thread was left interrupted");
    }
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final GoFlow goflow = new GoFlowImpl(clock, "test");

    @AfterEach
    void close() {
        goflow.close();
    }

    @Test
    void statisticsAreExactAfterManyExecutionsFromSeveralThreads() throws Exception {
        int threads = 4;
        int perThread = 2_500;
        Pipeline<Integer, Integer> p = goflow.pipeline("counted")
                .stage("inc", (Integer i) -> i + 1)
                .stage("check", (Integer i) -> {
                    if (i % 10 == 0) {
                        throw new IllegalArgumentException("multiple of ten: " + i);
                    }
                    return i;
                })
                .stage("last", (Integer i) -> i)
                .build();
        List<Thread> workers = new ArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            workers.add(new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    p.execute(base + i);
                }
            }));
        }
        workers.forEach(Thread::start);
        go.countDown();
        for (Thread w : workers) {
            w.join(20_000);
        }
        int total = threads * perThread;
        int failing = total / 10; // inputs i with (i + 1) % 10 == 0
        PipelineStats s = p.stats();
        assertEquals(total, s.executions());
        assertEquals(total - failing, s.successes());
        assertEquals(failing, s.failures());
        assertEquals(0, s.inFlight());
        StageStats inc = s.stage("inc").orElseThrow();
        StageStats check = s.stage("check").orElseThrow();
        StageStats last = s.stage("last").orElseThrow();
        assertEquals(total, inc.count());
        assertEquals(total, inc.successes());
        assertEquals(total, check.count());
        assertEquals(failing, check.errors());
        assertEquals(total - failing, check.successes());
        assertEquals(total - failing, last.count());
        assertEquals(0, last.errors());
        assertEquals(0, inc.inFlight());
        assertEquals(List.of("inc", "check", "last"), s.stages().stream().map(StageStats::name).toList());
    }

    @Test
    void durationsAverageMaximumAndLastExecution() {
        long[] step = {10, 30, 20};
        int[] call = {0};
        Pipeline<Integer, Integer> p = goflow.pipeline("timed").stage("work", (Integer i) -> {
            clock.advance(Duration.ofMillis(step[call[0]++]));
            return i;
        }).build();
        PipelineStats empty = p.stats();
        assertEquals(0, empty.executions());
        assertEquals(Duration.ZERO, empty.averageDuration());
        assertTrue(empty.lastExecutionTime().isEmpty());
        for (int i = 0; i < 3; i++) {
            p.execute(i);
        }
        PipelineStats s = p.stats();
        assertEquals(Duration.ofMillis(60), s.totalDuration());
        assertEquals(Duration.ofMillis(20), s.averageDuration());
        assertEquals(Duration.ofMillis(30), s.maxDuration());
        assertEquals(Instant.parse("2026-01-01T00:00:00.060Z"), s.lastExecution());
        StageStats w = s.stage("work").orElseThrow();
        assertEquals(Duration.ofMillis(60), w.totalDuration());
        assertEquals(Duration.ofMillis(20), w.averageDuration());
        assertEquals(Duration.ofMillis(30), w.maxDuration());

        Map<String, Object> m = s.toMap();
        assertEquals(List.of("executions", "successes", "failures", "totalDuration", "averageDuration",
                "maxDuration", "lastExecution", "inFlight", "stageCount", "stage.work.count", "stage.work.successes",
                "stage.work.errors", "stage.work.totalDuration", "stage.work.averageDuration",
                "stage.work.maxDuration", "stage.work.inFlight"), new ArrayList<>(m.keySet()));
        assertEquals(3L, m.get("executions"));
        assertEquals(Duration.ofMillis(30), m.get("stage.work.maxDuration"));
        assertEquals(List.of("name", "count", "successes", "errors", "totalDuration", "averageDuration",
                "maxDuration", "inFlight"), new ArrayList<>(w.toMap().keySet()));
        assertEquals(s, goflow.registry().snapshot().get(0).stats());
    }

    @Test
    void inFlightIsVisibleWhileRunning() throws Exception {
        CountDownLatch entered = new CountDownLatch(3);
        CountDownLatch release = new CountDownLatch(1);
        Pipeline<Integer, Integer> p = goflow.pipeline("busy").stage("first", (Integer i) -> i)
                .stageWithContext("block", (Context ctx, Integer i) -> {
                    entered.countDown();
                    release.await();
                    return i;
                }).build();
        List<CompletableFuture<PipelineResult<Integer, Integer>>> running = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            running.add(p.executeAsync(Context.background(), i));
        }
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        PipelineStats during = p.stats();
        assertEquals(3, during.inFlight());
        assertEquals(3, during.stage("block").orElseThrow().inFlight());
        assertEquals(0, during.stage("first").orElseThrow().inFlight());
        assertEquals(3, during.stage("first").orElseThrow().count());
        assertEquals(0, during.executions());
        release.countDown();
        for (var f : running) {
            f.get(10, TimeUnit.SECONDS);
        }
        Eventually.untilAsserted(() -> assertEquals(0, p.stats().inFlight()));
        assertEquals(3, p.stats().successes());
    }

    @Test
    void statisticsAreExactWithAnExecutorAndRacingCancellations() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Pipeline<Integer, Integer> p = goflow.pipeline("racing").executor(pool)
                    .stage("a", (Integer i) -> i + 1)
                    .stageWithContext("b", (ctx, i) -> {
                        if (i % 2 == 0) {
                            Thread.onSpinWait();
                        }
                        return i;
                    })
                    .stage("c", i -> i)
                    .build();
            int n = 2_000;
            List<CompletableFuture<PipelineResult<Integer, Integer>>> futures = new ArrayList<>();
            List<CancellableContext> contexts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                CancellableContext ctx = Context.background().withCancel();
                contexts.add(ctx);
                futures.add(p.executeAsync(ctx, i));
                if (i % 3 == 0) {
                    contexts.get(i / 2).cancel(); // cancel an earlier execution, at whatever stage it is
                }
            }
            int cancelled = 0;
            for (var f : futures) {
                PipelineResult<Integer, Integer> r = f.get(10, TimeUnit.SECONDS); // none hangs
                if (r.failed()) {
                    assertInstanceOf(CancelledException.class, r.error());
                    cancelled++;
                } else {
                    assertEquals(3, r.stages().size());
                }
            }
            PipelineStats s = p.stats();
            assertEquals(n, s.executions());
            assertEquals(cancelled, s.failures());
            assertEquals(0, s.inFlight());
            for (StageStats st : s.stages()) {
                assertEquals(0, st.inFlight(), st.name());
            }
            assertEquals(n - cancelled, s.stage("c").orElseThrow().successes());
        } finally {
            pool.shutdownNow();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }
    }
}
