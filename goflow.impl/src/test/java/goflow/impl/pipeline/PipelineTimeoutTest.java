package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import goflow.api.Clock;
import goflow.api.GoFlow;
import goflow.api.Registration;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineBuilder;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pipeline.PipelineStart;
import goflow.api.pipeline.PipelineStats;
import goflow.api.pipeline.StageResult;
import goflow.api.pipeline.StreamingResult;
import goflow.api.pipeline.StreamingRun;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/**
 * A pipeline timeout is enforced on every stage, the last one included, whether or not the
 * pipeline has an executor, in {@code execute}, {@code executeAsync} and streaming mode: a
 * timed-out execution is never a success. The slow stage ignores both its context and interrupts;
 * time is a {@link ManualClock}, whose deadline timers either run when the clock is advanced or
 * never run at all (as when the system timer thread is late), so only reading the clock can tell.
 */
class PipelineTimeoutTest extends NoThreadLeaks.LeakCheckedTest {
    private static final Duration TIMEOUT = Duration.ofMillis(200);
    private static final Duration OVERRUN = Duration.ofMillis(1500);

    /** How the deadline timers of the clock behave. */
    enum Timers {
        /** A ManualClock: due timers run on the thread that advances it. */
        ON_TIME,
        /** Timers never run: a deadline is noticed only by reading the clock. */
        LATE
    }

    /** Where the stage that overruns the timeout sits. */
    enum Position {
        MIDDLE,
        LAST
    }

    private final ManualClock time = new ManualClock();
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final List<String> ran = Collections.synchronizedList(new ArrayList<>());
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private GoFlow goflow;
    private Clock clock;

    @AfterEach
    void close() throws InterruptedException {
        release.countDown();
        if (goflow != null) {
            goflow.close();
        }
        pool.shutdownNow();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertFalse(Thread.interrupted(), "the test thread was left interrupted");
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (Timers timers : Timers.values()) {
            for (Position position : Position.values()) {
                for (boolean executor : new boolean[] {false, true}) {
                    all.add(Arguments.of(timers, position, executor));
                }
            }
        }
        return all.stream();
    }

    private void useClock(Timers timers) {
        clock = timers == Timers.ON_TIME ? time : new LateTimers(time);
        goflow = new GoFlowImpl(clock, "test");
    }

    /** Waits for {@code latch} and keeps an interrupt for later, like a stage that ignores interrupts. */
    private static void awaitIgnoringInterrupts(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                assertTrue(latch.await(30, TimeUnit.SECONDS));
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** The slow stage of {@code execute}: it takes OVERRUN of the clock's time itself. */
    private void overrunItself() {
        time.advance(OVERRUN);
    }

    /** The slow stage of the asynchronous modes: the test moves the clock while it waits. */
    private void overrunWhileTheTestAdvances() {
        entered.countDown();
        awaitIgnoringInterrupts(release);
    }

    private void advancePastTheDeadlineAndRelease() throws InterruptedException {
        assertTrue(entered.await(30, TimeUnit.SECONDS));
        time.advance(OVERRUN);
        release.countDown();
    }

    /** first → slow → (after, for MIDDLE); the slow stage ignores its context. */
    private Pipeline<String, String> pipeline(String name, Position position, boolean executor, Runnable overrun) {
        PipelineStart start = goflow.pipeline(name).timeout(TIMEOUT);
        if (executor) {
            start.executor(pool);
        }
        PipelineBuilder<String, String> b = start.stage("first", (String s) -> {
            ran.add("first");
            return s;
        }).stage("slow", s -> {
            ran.add("slow");
            overrun.run();
            return s + "!";
        });
        if (position == Position.MIDDLE) {
            b = b.stage("after", s -> {
                ran.add("after");
                return s;
            });
        }
        return b.build();
    }

    private void assertTimedOutAtTheSlowStage(Pipeline<String, String> p, PipelineResult<String, String> r) {
        assertTrue(r.failed(), "a timed-out execution is never a success: " + r);
        assertInstanceOf(DeadlineExceededException.class, r.error());
        assertNull(r.output());
        StageResult slow = r.failedStage().orElseThrow();
        assertEquals("slow", slow.stageName());
        assertInstanceOf(DeadlineExceededException.class, slow.error());
        assertNull(slow.output());
        assertEquals(2, r.stages().size(), "no stage after the slow one has a result");
        assertStatsCountOneFailure(p);
    }

    private void assertStatsCountOneFailure(Pipeline<String, String> p) {
        assertEquals(List.of("first", "slow"), ran, "no stage starts after the deadline");
        PipelineStats s = p.stats();
        assertEquals(1, s.executions());
        assertEquals(0, s.successes());
        assertEquals(1, s.failures());
        assertEquals(0, s.inFlight());
        assertEquals(1, s.stage("first").orElseThrow().successes());
        assertEquals(0, s.stage("slow").orElseThrow().successes());
        assertEquals(1, s.stage("slow").orElseThrow().errors());
        assertEquals(0, s.stage("slow").orElseThrow().inFlight());
        s.stage("after").ifPresent(after -> assertEquals(0, after.count()));
    }

    @ParameterizedTest(name = "timers {0}, slow stage {1}, executor {2}")
    @MethodSource("cases")
    void execute(Timers timers, Position position, boolean executor) {
        useClock(timers);
        Pipeline<String, String> p = pipeline("execute", position, executor, this::overrunItself);

        PipelineResult<String, String> r = p.execute(Context.background(clock), "x");

        assertTimedOutAtTheSlowStage(p, r);
        assertFalse(Thread.currentThread().isInterrupted(), "the pipeline's interrupt does not reach the caller");
    }

    @ParameterizedTest(name = "timers {0}, slow stage {1}, executor {2}")
    @MethodSource("cases")
    void executeAsync(Timers timers, Position position, boolean executor) throws Exception {
        useClock(timers);
        Pipeline<String, String> p = pipeline("async", position, executor, this::overrunWhileTheTestAdvances);

        var future = p.executeAsync(Context.background(clock), "x");
        advancePastTheDeadlineAndRelease();
        PipelineResult<String, String> r = future.get(30, TimeUnit.SECONDS);

        Eventually.until(() -> p.stats().inFlight() == 0 && p.stats().stage("slow").orElseThrow().inFlight() == 0);
        assertTimedOutAtTheSlowStage(p, r);
    }

    @ParameterizedTest(name = "timers {0}, slow stage {1}, executor {2}")
    @MethodSource("cases")
    void streamingStopsAtTheTimedOutItem(Timers timers, Position position, boolean executor) throws Exception {
        useClock(timers);
        Pipeline<String, String> p = pipeline("streaming", position, executor, this::overrunWhileTheTestAdvances);
        List<String> out = Collections.synchronizedList(new ArrayList<>());

        StreamingRun run = p.stream().start(Context.background(clock), List.of("x"), out::add);
        advancePastTheDeadlineAndRelease();
        StreamingResult r = run.completion().get(30, TimeUnit.SECONDS);

        assertFalse(r.completed(), "a timed-out item stops a run without an error handler: " + r);
        assertInstanceOf(DeadlineExceededException.class, r.error());
        assertEquals(1, r.itemsIn());
        assertEquals(1, r.itemsFailed());
        assertEquals(0, r.itemsOut());
        assertEquals(List.of(), out);
        assertStatsCountOneFailure(p);
    }

    @Test
    void aStreamedItemIsTimedFromWhenItEntersAndTheRunGoesOnWithAHandler() throws Exception {
        useClock(Timers.ON_TIME);
        CountDownLatch firstFailed = new CountDownLatch(1);
        // "b" is taken from the source only after "a" has failed, so its own time starts then.
        Iterator<String> source = new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                if (next == 1) {
                    awaitIgnoringInterrupts(firstFailed);
                }
                return next < 2;
            }

            @Override
            public String next() {
                return next++ == 0 ? "a" : "b";
            }
        };
        Pipeline<String, String> p = goflow.pipeline("handled").timeout(TIMEOUT).stage("slow", (String s) -> {
            if (s.equals("a")) {
                time.advance(OVERRUN); // ignores its context
            }
            return s + "!";
        }).build();
        Map<String, Throwable> failures = new ConcurrentHashMap<>();
        List<String> out = Collections.synchronizedList(new ArrayList<>());

        StreamingResult r = p.stream().onError((item, failure) -> {
            failures.put(item, failure.error());
            assertEquals("slow", failure.stageName());
            firstFailed.countDown();
        }).start(Context.background(clock), source, out::add).completion().get(30, TimeUnit.SECONDS);

        assertTrue(r.completed(), String.valueOf(r));
        assertInstanceOf(DeadlineExceededException.class, failures.get("a"));
        assertEquals(List.of("b!"), out);
        assertEquals(1, p.stats().successes());
        assertEquals(1, p.stats().failures());
    }

    @Test
    void aStreamedItemWhoseDeadlinePassesInABufferFailsWithoutRunningTheStage() throws Exception {
        useClock(Timers.ON_TIME);
        AtomicReference<StreamingRun> running = new AtomicReference<>();
        Pipeline<String, String> p = goflow.pipeline("buffered").timeout(TIMEOUT).stage("slow", (String s) -> {
            ran.add(s);
            if (s.equals("a")) {
                // both items are in the run (their time started at 0) before the clock moves
                Eventually.until(() -> running.get() != null && running.get().itemsIn() == 2);
                time.advance(OVERRUN);
            }
            return s + "!";
        }).build();
        Map<String, StageResult> failures = new ConcurrentHashMap<>();
        List<String> out = Collections.synchronizedList(new ArrayList<>());

        StreamingRun run = p.stream().onError(failures::put).start(Context.background(clock), List.of("a", "b"),
                out::add);
        running.set(run);
        StreamingResult r = run.completion().get(30, TimeUnit.SECONDS);

        assertTrue(r.completed(), String.valueOf(r));
        assertEquals(List.of(), out);
        assertEquals(List.of("a"), ran, "the stage never ran for the item whose deadline had passed");
        assertInstanceOf(DeadlineExceededException.class, failures.get("a").error());
        assertInstanceOf(DeadlineExceededException.class, failures.get("b").error());
        assertEquals("slow", failures.get("b").stageName());
        assertEquals(Duration.ZERO, failures.get("b").duration());
        assertEquals(2, p.stats().failures());
        assertEquals(1, p.stats().stage("slow").orElseThrow().count(), "only the call that ran is a stage call");
    }

    /** A clock on {@code time} whose timers never run. */
    private static final class LateTimers implements Clock {
        private final ManualClock time;

        LateTimers(ManualClock time) {
            this.time = time;
        }

        @Override
        public long nanoTime() {
            return time.nanoTime();
        }

        @Override
        public Instant instant() {
            return time.instant();
        }

        @Override
        public void parkNanos(Object blocker, long nanos) {
            time.parkNanos(blocker, nanos);
        }

        @Override
        public Registration schedule(long deadlineNanos, Runnable action) {
            return Registration.NONE;
        }
    }
}
