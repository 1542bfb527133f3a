package goflow.impl.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pool.TaskResult;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.AdaptiveLimiterStats;
import goflow.api.ratelimit.AimdLimit;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.GradientLimit;
import goflow.api.ratelimit.Permit;
import goflow.api.ratelimit.VegasLimit;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/** The adaptive limiter's contract: permits, outcomes, partitions, validation, the gate in a pool and a stage. */
class AdaptiveLimiterTest extends NoThreadLeaks.LeakCheckedTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl goflow = new GoFlowImpl(clock, "test");
    private final Context background = Context.background(clock);

    @AfterEach
    void close() {
        goflow.close();
    }

    private AdaptiveLimiter fixedAt(int limit) {
        // min = max: the algorithm cannot move it, so the tests see the permit logic alone
        return goflow.adaptiveLimiter().algorithm(AimdLimit.defaults()).initialLimit(limit).minLimit(limit)
                .maxLimit(limit).window(Duration.ofMillis(100), 1).build();
    }

    @Test
    void permitsAreCountedAndEachOutcomeReleasesExactlyOnce() throws InterruptedException {
        AdaptiveLimiter l = fixedAt(2);
        Permit a = l.acquirePermit(background);
        Permit b = l.tryAcquirePermit().orElseThrow();
        assertEquals(Optional.empty(), l.tryAcquirePermit());
        assertEquals(2, l.inFlight());
        a.success();
        a.success();
        a.dropped();
        a.close();
        assertEquals(1, l.inFlight(), "a second outcome, or a close after one, releases nothing more");
        b.close();
        assertEquals(0, l.inFlight());
        AdaptiveLimiterStats s = l.stats();
        assertEquals(2, s.acquired());
        assertEquals(1, s.rejected());
        assertEquals(1, s.succeeded());
        assertEquals(1, s.ignored(), "close without an outcome is an ignored call");
        assertEquals(0, s.dropped());
    }

    @Test
    void durationsTooLongForNanosecondsAreTakenAsForeverNotAnOverflow() {
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
        AdaptiveLimiter longWindow = goflow.adaptiveLimiter().name("long-window").algorithm(AimdLimit.defaults())
                .initialLimit(4).minLimit(1).maxLimit(8).window(forever, 1).build();
        AdaptiveLimiter longTimeout = goflow.adaptiveLimiter().name("long-timeout")
                .algorithm(new AimdLimit(0.9, 1, forever)).initialLimit(4).minLimit(1).maxLimit(8)
                .window(Duration.ofMillis(100), 1).build();
        // no window ever ends: the limit stays where it started
        Permit p = longWindow.tryAcquirePermit().orElseThrow();
        clock.advance(Duration.ofDays(365));
        p.success();
        assertEquals(4, longWindow.limit());
        // no latency ever counts as a timeout: a year-long success at the full limit does not back off
        List<Permit> full = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            full.add(longTimeout.tryAcquirePermit().orElseThrow());
        }
        clock.advance(Duration.ofDays(365));
        full.forEach(Permit::success);
        clock.advance(Duration.ofMillis(100));
        longTimeout.tryAcquirePermit().orElseThrow().success();
        assertTrue(longTimeout.limit() >= 4, () -> "backed off to " + longTimeout.limit());
    }

    @Test
    void droppedCallsDoNotDistortTheLatencySamples() {
        AdaptiveLimiter l = goflow.adaptiveLimiter().algorithm(VegasLimit.defaults()).initialLimit(10).minLimit(1)
                .maxLimit(100).window(Duration.ofMillis(100), 10).build();
        for (int round = 0; round < 20; round++) {
            List<Permit> ok = new ArrayList<>();
            List<Permit> timedOut = new ArrayList<>();
            for (int i = 0; i < 10 && l.inFlight() < l.limit(); i++) {
                ok.add(l.tryAcquirePermit().orElseThrow());
            }
            for (int i = 0; i < 5 && l.inFlight() < l.limit(); i++) {
                timedOut.add(l.tryAcquirePermit().orElseThrow());
            }
            clock.advance(Duration.ofMillis(10));
            ok.forEach(Permit::success); // 10 ms each
            clock.advance(Duration.ofSeconds(1));
            timedOut.forEach(Permit::dropped); // gave up after a second: no latency sample
        }
        AdaptiveLimiterStats s = l.stats();
        assertTrue(s.windows() > 5, s.toString());
        assertTrue(s.dropped() > 0, s.toString());
        assertEquals(Duration.ofMillis(10), s.lastLatency(), "only the successes' latency: " + s);
        assertEquals(Duration.ofMillis(10), s.noLoadLatency(), s.toString());
    }

    @Test
    void aPartitionCannotTakeTheCapacityOfTheOthers() throws InterruptedException {
        AdaptiveLimiter l = goflow.adaptiveLimiter().algorithm(AimdLimit.defaults()).initialLimit(10).minLimit(10)
                .maxLimit(10).partition("batch", 0.2).partition("interactive", 0.8).build();
        List<Permit> batch = new ArrayList<>();
        Optional<Permit> p;
        while ((p = l.tryAcquirePermit("batch")).isPresent()) {
            batch.add(p.get());
        }
        assertEquals(2, batch.size(), "batch holds at most floor(10 × 0.2)");
        List<Permit> interactive = new ArrayList<>();
        while ((p = l.tryAcquirePermit("interactive")).isPresent()) {
            interactive.add(p.get());
        }
        assertEquals(8, interactive.size(), "interactive still gets its 8");
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> l.tryAcquirePermit("bulk"));
        assertTrue(e.getMessage().contains("partition=\"bulk\"") && e.getMessage().contains("batch, interactive"),
                e.getMessage());
        // a batch waiter is served when a batch permit comes back, not by an interactive one
        CompletableFuture<Permit> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return l.acquirePermit(background, "batch");
            } catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
        });
        Eventually.until(() -> l.stats().waiting() == 1);
        interactive.get(0).success();
        assertFalse(waiter.isDone());
        batch.get(0).success();
        Permit got = waiter.join();
        assertEquals(2, l.stats().inFlight() - interactive.size() + 1);
        got.close();
        batch.get(1).close();
        interactive.forEach(Permit::close);
        assertEquals(0, l.inFlight());
    }

    @Test
    void aWaiterEndsWithItsContextAndGivesBackAPermitGrantedAsItGaveUp() throws Exception {
        AdaptiveLimiter l = fixedAt(1);
        Permit held = l.acquirePermit(background);
        CancellableContext ctx = background.withCancel();
        CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                l.acquirePermit(ctx).close();
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Eventually.until(() -> l.stats().waiting() == 1);
        ctx.cancel();
        assertInstanceOf(CancelledException.class, waiter.get(30, TimeUnit.SECONDS));
        assertEquals(0, l.stats().waiting());
        held.success();
        assertEquals(0, l.inFlight(), "no permit lost or leaked");
        assertTrue(l.tryAcquirePermit().isPresent());
    }

    @Test
    void aClosedLimiterRefusesAndWakesItsWaiters() throws Exception {
        AdaptiveLimiter l = fixedAt(1);
        Permit held = l.acquirePermit(background);
        CompletableFuture<Throwable> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                l.acquirePermit(background);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        Eventually.until(() -> l.stats().waiting() == 1);
        l.close();
        assertInstanceOf(ClosedException.class, waiter.get(30, TimeUnit.SECONDS));
        assertThrows(ClosedException.class, l::tryAcquirePermit);
        held.success(); // an outcome after close still releases, quietly
        assertEquals(0, l.inFlight());
    }

    @Test
    void theBuilderValidatesEachSettingNamingIt() {
        assertMessage("adaptive-limiter: invalid maxLimit=3 (must not be below minLimit 5)", () -> goflow.adaptiveLimiter()
                .minLimit(5).maxLimit(3).build());
        assertMessage("adaptive-limiter: invalid initialLimit=0", () -> goflow.adaptiveLimiter().initialLimit(0));
        assertMessage("adaptive-limiter: invalid partition batch share=1.5 (must be in (0, 1])",
                () -> goflow.adaptiveLimiter().partition("batch", 1.5));
        assertMessage("adaptive-limiter: invalid partition=\"batch\" (is given twice)",
                () -> goflow.adaptiveLimiter().partition("batch", 0.5).partition("batch", 0.2));
        assertMessage("aimd-limit: invalid backoffRatio=1.0", () -> new AimdLimit(1.0, 1, Duration.ofSeconds(1)));
        assertMessage("vegas-limit: invalid beta=2.0 (must be a number above alpha (3.0))", () -> new VegasLimit(3, 2));
        assertMessage("gradient-limit: invalid buffer=-0.1", () -> new GradientLimit(-0.1, 10));
        assertMessage("gradient-limit: invalid refreshWindows=1", () -> new GradientLimit(0.2, 1));
        AdaptiveLimiter l = goflow.adaptiveLimiter().algorithm(AimdLimit.defaults()).minLimit(2).maxLimit(8).build();
        assertMessage("invalid limit=9 (must be from minLimit 2 to maxLimit 8)", () -> l.setLimit(9));
        assertEquals(8, l.limit(), "the initial 20 clamped to the maximum");
        AdaptiveLimiter g = goflow.adaptiveLimiter().minLimit(2).maxLimit(8).build();
        assertEquals("gradient", g.algorithm().label());
        assertTrue(g.stats().probing(), "the gradient limiter starts by measuring the no-load latency");
        assertEquals(2, g.limit(), "at its minimum while it probes");
    }

    @Test
    void aGradientLimitThatTheCallsDoNotFillNeverGrowsEvenWhenTheLatencyIsSlightlyUp() {
        // the sqrt headroom makes limit × gradient + sqrt(limit × gradient) exceed the limit for a gradient
        // just under 1: a few calls a little slower than the no-load latency must not talk the limit up
        AdaptiveLimiter l = goflow.adaptiveLimiter().algorithm(GradientLimit.defaults()).initialLimit(20)
                .minLimit(1).maxLimit(200).window(Duration.ofMillis(100), 1).build();
        Permit probe = l.tryAcquirePermit().orElseThrow(); // the start's probe, at the minimum
        clock.advance(Duration.ofMillis(100));
        probe.success();
        assertEquals(Duration.ofMillis(100), l.stats().noLoadLatency());
        assertEquals(20, l.limit());
        for (int window = 0; window < 20; window++) {
            Permit a = l.tryAcquirePermit().orElseThrow();
            Permit b = l.tryAcquirePermit().orElseThrow(); // 2 in flight: far from half the limit
            clock.advance(Duration.ofMillis(130)); // gradient 125 / 130 ≈ 0.96
            a.success();
            b.success();
        }
        assertEquals(20, l.stats().windows() - 1, "a window per round, after the probe");
        assertTrue(l.limit() <= 20, () -> "the limit grew to " + l.limit() + " with 2 calls in flight");
    }

    /**
     * docs/adaptive.md: Gradient is "× 0.5 on drops", and a window with drops never grows the limit.
     * The drop gradient went through the sqrt headroom and the half-way smoothing: a drop window took
     * 40 to 32, and below 2 it raised the estimate (0.5 L + sqrt(0.5 L) > L), so a stream of drops
     * at the minimum pushed the limit up a step at the next good window.
     */
    @Test
    void aGradientWindowWithDropsHalvesTheLimitAndNeverGrowsIt() {
        AdaptiveLimiter l = goflow.adaptiveLimiter().name("halves").algorithm(new GradientLimit(0.25, 1_000))
                .initialLimit(40).minLimit(1).maxLimit(200).window(Duration.ofMillis(100), 1).build();
        Permit probe = l.tryAcquirePermit().orElseThrow();
        clock.advance(Duration.ofMillis(100));
        probe.success();
        assertEquals(40, l.limit());
        List<Permit> calls = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            calls.add(l.tryAcquirePermit().orElseThrow()); // half the limit: the limit holds them back
        }
        clock.advance(Duration.ofMillis(100));
        calls.get(0).dropped(); // ends the window
        assertEquals(20, l.limit(), "a window with drops: × 0.5");
        calls.forEach(Permit::close);

        AdaptiveLimiter m = goflow.adaptiveLimiter().name("at-min").algorithm(new GradientLimit(0.25, 1_000))
                .initialLimit(1).minLimit(1).maxLimit(200).window(Duration.ofMillis(100), 1).build();
        for (int window = 0; window < 101; window++) { // the probe, then 100 windows of drops
            Permit p = m.tryAcquirePermit().orElseThrow();
            clock.advance(Duration.ofMillis(100));
            if (window == 0) {
                p.success();
            } else {
                p.dropped();
            }
            assertEquals(1, m.limit());
        }
        Permit p = m.tryAcquirePermit().orElseThrow();
        clock.advance(Duration.ofMillis(100));
        p.success(); // at the no-load latency: 1 grows to 1.27, as if the drops had not been
        assertEquals(1, m.limit(), "the drop windows grew the estimate at the minimum");
    }

    /**
     * docs/adaptive.md: only calls granted since a probe began count in it, so that calls admitted
     * under the higher limit cannot inflate the no-load latency. A waiter granted before the probe but
     * whose thread woke after it started was counted: its permit's start was read on waking.
     */
    @Test
    void aWaiterGrantedBeforeAProbeBeganDoesNotCountInIt() throws Exception {
        AdaptiveLimiter l = goflow.adaptiveLimiter().name("probe").algorithm(GradientLimit.defaults())
                .initialLimit(2).minLimit(1).maxLimit(10).window(Duration.ofMillis(100), 1).build();
        Permit probe = l.tryAcquirePermit().orElseThrow();
        clock.advance(Duration.ofMillis(100));
        probe.success();
        assertEquals(Duration.ofMillis(100), l.stats().noLoadLatency());
        assertEquals(2, l.limit());
        Permit a = l.tryAcquirePermit().orElseThrow();
        Permit b = l.tryAcquirePermit().orElseThrow();
        CompletableFuture<Permit> waiter = CompletableFuture.supplyAsync(() -> {
            try {
                return l.acquirePermit(background);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Eventually.until(() -> l.stats().waiting() == 1);
        // hold the limiter's lock so that the waiter's thread wakes only after the probe began
        java.lang.reflect.Field f = AdaptiveLimiterImpl.class.getDeclaredField("lock");
        f.setAccessible(true);
        java.util.concurrent.locks.ReentrantLock lock = (java.util.concurrent.locks.ReentrantLock) f.get(l);
        lock.lock();
        try {
            clock.advance(Duration.ofMillis(10));
            a.success(); // grants the waiter; the window goes on (10 ms < 100 ms)
            clock.advance(Duration.ofMillis(100));
            b.success(); // ends the window, 60 ms on average: faster than no load, a probe begins
            assertTrue(l.stats().probing());
        } finally {
            lock.unlock();
        }
        Permit w = waiter.get(30, TimeUnit.SECONDS);
        clock.advance(Duration.ofMillis(300));
        w.success(); // admitted under the limit of 2, not the probe's 1
        assertEquals(Duration.ofMillis(100), l.stats().noLoadLatency(), "the probe took a call granted before it");
        assertTrue(l.stats().probing(), "the probe still waits for a call of its own");
    }

    @Test
    void theDefaultsAreTheDocumentedOnes() {
        // docs/adaptive.md's table and each record's javadoc
        assertEquals(new AimdLimit(0.9, 1, Duration.ofSeconds(5)), AimdLimit.defaults());
        assertEquals(new AimdLimit(0.9, 1, Duration.ofMillis(15)), AimdLimit.withTimeout(Duration.ofMillis(15)));
        assertEquals(new VegasLimit(3, 6), VegasLimit.defaults());
        assertEquals(new GradientLimit(0.25, 100), GradientLimit.defaults());
        // the builder: gradient, initial 20, min 1, max 1000
        AdaptiveLimiter g = goflow.adaptiveLimiter().name("defaults").build();
        assertEquals(GradientLimit.defaults(), g.algorithm());
        assertEquals(1, g.stats().minLimit());
        assertEquals(1000, g.stats().maxLimit());
        assertEquals(1, g.limit(), "probing at the minimum first");
        AdaptiveLimiter a = goflow.adaptiveLimiter().name("aimd-defaults").algorithm(AimdLimit.defaults()).build();
        assertEquals(20, a.limit(), "the initial limit");
        // windows of at least 1 s and 10 outcomes: 10 outcomes within 0.9 s end none, the 11th at 1 s ends one
        for (int i = 0; i < 10; i++) {
            a.tryAcquirePermit().orElseThrow().success();
            clock.advance(Duration.ofMillis(100));
        }
        assertEquals(0, a.stats().windows(), "1 s not over at the 10th outcome (0.9 s)");
        a.tryAcquirePermit().orElseThrow().success();
        assertEquals(1, a.stats().windows(), "1 s and 11 outcomes");
        clock.advance(Duration.ofSeconds(2));
        for (int i = 0; i < 9; i++) {
            a.tryAcquirePermit().orElseThrow().success();
        }
        assertEquals(1, a.stats().windows(), "9 outcomes after 2 s end no window");
        a.tryAcquirePermit().orElseThrow().success();
        assertEquals(2, a.stats().windows(), "the 10th does");
        // at most 10 × 1 s: a window of one outcome ends at 10 s
        clock.advance(Duration.ofMillis(9_900));
        a.tryAcquirePermit().orElseThrow().success();
        assertEquals(2, a.stats().windows(), "9.9 s and 1 outcome");
        clock.advance(Duration.ofMillis(100));
        a.tryAcquirePermit().orElseThrow().success();
        assertEquals(3, a.stats().windows(), "10 s and 2 outcomes");
    }

    private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, call);
        assertTrue(e.getMessage().contains(part), () -> "'" + e.getMessage() + "' lacks '" + part + "'");
    }

    @Test
    void theGateOfAPoolsTasksAndOfAPipelineStage() throws Exception {
        AdaptiveLimiter gate = fixedAt(2);
        WorkerPool pool = goflow.workerPool().workers(4).build();
        List<CompletableFuture<TaskResult<Integer>>> results = new ArrayList<>();
        int[] running = new int[1];
        int[] most = new int[1];
        Object monitor = new Object();
        for (int i = 0; i < 12; i++) {
            int n = i;
            results.add(pool.submit(background, c -> gate.call(c, cc -> {
                synchronized (monitor) {
                    most[0] = Math.max(most[0], ++running[0]);
                }
                Thread.onSpinWait();
                synchronized (monitor) {
                    running[0]--;
                }
                return n * 2;
            })));
        }
        for (int i = 0; i < 12; i++) {
            assertEquals(i * 2, results.get(i).get(30, TimeUnit.SECONDS).value());
        }
        assertTrue(most[0] <= 2, "at most the gate's limit at once: " + most[0]);
        assertEquals(12, gate.stats().succeeded());

        Pipeline<String, Integer> p = goflow.pipeline("gated").input(String.class).stageWithContext("len",
                (c, in) -> gate.call(c, cc -> in.length())).build();
        assertEquals(5, p.execute(background, "hello").output());
        assertEquals(13, gate.stats().succeeded());

        // a timeout in the call is a drop; any other failure is ignored; both are thrown on
        assertThrows(TimeoutException.class, () -> gate.call(background, c -> {
            throw new TimeoutException("backend too slow");
        }));
        assertThrows(IllegalStateException.class, () -> gate.call(background, c -> {
            throw new IllegalStateException("bad request");
        }));
        assertEquals(1, gate.stats().dropped());
        assertEquals(1, gate.stats().ignored());
        assertEquals(0, gate.inFlight());
    }

    @Test
    void aFixedConcurrencyLimiterIsAGateToo() throws Exception {
        ConcurrencyLimiter fixed = goflow.concurrencyLimiter().capacity(1).build();
        Permit p = fixed.acquirePermit(background);
        assertEquals(Optional.empty(), fixed.tryAcquirePermit());
        p.dropped();
        p.success();
        assertEquals(0, fixed.inUse(), "released once");
        assertEquals(Integer.valueOf(7), fixed.call(background, c -> 7));
        assertEquals(1, fixed.available());
    }

    @Test
    void theHistoryKeepsTheLastWindowsWithWhatEachSaw() {
        AdaptiveLimiter l = goflow.adaptiveLimiter().algorithm(AimdLimit.withTimeout(Duration.ofMillis(50)))
                .initialLimit(4).minLimit(1).maxLimit(100).window(Duration.ofMillis(10), 1).build();
        for (int i = 0; i < 80; i++) {
            List<Permit> ps = new ArrayList<>();
            Optional<Permit> p;
            while ((p = l.tryAcquirePermit()).isPresent()) {
                ps.add(p.get());
            }
            clock.advance(Duration.ofMillis(10));
            ps.forEach(Permit::success);
        }
        assertEquals(60, l.history().size());
        assertEquals(l.limit(), l.history().get(59).limit());
        assertTrue(l.history().get(59).limit() > l.history().get(0).limit(), "AIMD grows without drops");
        assertEquals(Duration.ofMillis(10), l.history().get(59).latency());
        assertThrows(UnsupportedOperationException.class, () -> l.history().clear());
        assertEquals("adaptive-limiter", l.kind().label());
        assertTrue(l.stats().toMap().containsKey("noLoadLatency"));
    }
}
