package goflow.api.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.Registration;
import goflow.api.testing.ManualClock;

/** The paths nobody names: counters about to wrap, far deadlines, failing callbacks. */
class ContextFaultTest {
    private static final Duration TWO_CENTURIES = Duration.ofDays(365L * 200);

    private static final Context.Key<Integer> KEY = Context.Key.named("round");

    private final ManualClock manual = new ManualClock();

    @Test
    void deadlinesHoldWhenTheMonotonicCounterIsAboutToWrap() {
        // System.nanoTime() has an arbitrary origin: only differences are meaningful, even across the wrap
        Context root = Context.background(new OffsetClock(manual, Long.MAX_VALUE - 1_000));
        CancellableContext ctx = root.withTimeout(Duration.ofSeconds(10));
        assertFalse(ctx.isDone(), "a 10 s timeout is not over at once");
        assertEquals(Duration.ofSeconds(10).toNanos(), ctx.remainingNanos());
        CancellableContext far = root.withTimeout(TWO_CENTURIES);
        CancellableContext until = root.withDeadline(Instant.MAX);
        assertFalse(far.isDone());
        assertFalse(until.isDone());

        manual.advance(Duration.ofMillis(9_999));
        assertFalse(ctx.isDone());
        manual.advance(Duration.ofMillis(1));
        assertTrue(ctx.isDone());
        assertInstanceOf(DeadlineExceededException.class, ctx.error().orElseThrow());
        manual.advance(Duration.ofDays(365));
        assertFalse(far.isDone());
        assertFalse(until.isDone());
    }

    @Test
    void aPastDeadlineUnderAParentWithAFarOneIsDoneAtOnce() {
        Context root = Context.background(manual);
        CancellableContext parent = root.withTimeout(TWO_CENTURIES);
        CancellableContext child = parent.withTimeout(TWO_CENTURIES.negated());
        assertTrue(child.isDone(), "a negative timeout gives a context that is already done");
        assertInstanceOf(DeadlineExceededException.class, child.error().orElseThrow());
        assertEquals(Optional.of(manual.instant().minus(TWO_CENTURIES)), child.deadline());
        CancellableContext past = root.withDeadline(Instant.MAX).withDeadline(manual.instant().minus(TWO_CENTURIES));
        assertTrue(past.isDone());
        assertFalse(parent.isDone());
    }

    @Test
    void sleepWaitsWhenTheMonotonicCounterIsAboutToWrap() throws Exception {
        Context root = Context.background(new OffsetClock(manual, Long.MAX_VALUE - 1_000));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread sleeper = new Thread(() -> {
            try {
                root.sleep(Duration.ofSeconds(10));
            } catch (Throwable t) {
                failure.set(t);
            }
            done.countDown();
        });
        sleeper.start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (manual.parkedThreads() < 1) {
            assertEquals(1, done.getCount(), "sleep(10 s) returned without waiting");
            assertTrue(System.nanoTime() - end < 0, "the sleeper never parked");
            Thread.onSpinWait();
        }
        manual.advance(Duration.ofSeconds(10));
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals(null, failure.get());
    }

    @Test
    void aCallbackThrowingACheckedExceptionDoesNotStopTheCancel() {
        Context root = Context.background(manual);
        CancellableContext ctx = root.withCancel();
        List<String> ran = new ArrayList<>();
        ctx.onDone(() -> ran.add("a"));
        ctx.onDone(() -> sneakyThrow(new IOException("thrown by Kotlin or @SneakyThrows code")));
        ctx.onDone(() -> {
            throw new StackOverflowError("an Error");
        });
        ctx.onDone(() -> ran.add("b"));
        CancellableContext child = ctx.withCancel();
        ctx.cancel();
        assertEquals(List.of("a", "b"), ran, "every other callback ran");
        assertTrue(child.isDone(), "the cancel reached the child registered after the failing callback");

        CancellableContext timed = root.withTimeout(Duration.ofSeconds(1));
        timed.onDone(() -> sneakyThrow(new IOException("on the timer")));
        CancellableContext timedChild = timed.withCancel();
        manual.advance(Duration.ofSeconds(1));
        assertTrue(timedChild.isDone());
    }

    @Test
    void aCallbackFailureThatCannotBeLoggedDoesNotStopTheCancel() {
        // logging what a callback threw may throw in turn: an OutOfMemoryError, or a throwable that
        // cannot be printed (here: its message throws an Error, which the logging handler lets through)
        CancellableContext ctx = Context.background(manual).withCancel();
        List<String> ran = new ArrayList<>();
        ctx.onDone(() -> ran.add("a"));
        ctx.onDone(() -> {
            throw new Unprintable();
        });
        ctx.onDone(() -> ran.add("b"));
        CancellableContext child = ctx.withCancel();
        ctx.cancel();
        assertEquals(List.of("a", "b"), ran, "every other callback ran");
        assertTrue(child.isDone(), "the cancel reached the child registered after the failing callback");
    }

    @Test
    void cancellingADeepChainReachesItsLeaf() throws Exception {
        // a loop that derives each round's context from the previous one builds such a chain
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<String> order = new ArrayList<>();
        Thread smallStack = new Thread(null, () -> {
            try {
                CancellableContext top = Context.background(manual).withCancel();
                Context leaf = top;
                for (int i = 0; i < 100_000; i++) {
                    leaf = i % 2 == 0 ? leaf.withCancel() : leaf.withValue(KEY, i);
                    if (i == 0) {
                        leaf.onDone(() -> order.add("child"));
                    }
                }
                leaf.onDone(() -> order.add("leaf"));
                top.onDone(() -> order.add("top, registered last"));
                top.cancel();
                assertTrue(leaf.isDone(), "the leaf was cancelled");
                assertInstanceOf(CancelledException.class, leaf.error().orElseThrow());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "small-stack", 256 * 1024);
        smallStack.start();
        smallStack.join(TimeUnit.SECONDS.toMillis(30));
        assertFalse(smallStack.isAlive());
        assertEquals(null, failure.get());
        assertEquals(List.of("child", "leaf", "top, registered last"), order,
                "depth first, in registration order, as before");
    }

    @Test
    void aDeepChainUnderADeadlineWhoseTimerIsLateEndsWithoutOverflowingTheStack() throws Exception {
        // the timer runs late (a busy system timer thread): isDone() sees the deadline first
        Clock lateTimer = new LateTimerClock(manual);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread smallStack = new Thread(null, () -> {
            try {
                CancellableContext top = Context.background(lateTimer).withValue(KEY, -1)
                        .withTimeout(Duration.ofSeconds(1));
                Context leaf = top;
                for (int i = 0; i < 100_000; i++) {
                    leaf = i % 2 == 0 ? leaf.withCancel() : leaf.withValue(KEY, i);
                }
                for (int i = 0; i < 100_000; i++) {
                    leaf = leaf.withValue(KEY, i);
                }
                assertEquals(Optional.of(99_999), leaf.value(KEY));
                assertEquals(Optional.empty(), leaf.value(Context.Key.named("absent")));
                assertEquals(lateTimer, leaf.clock());
                assertFalse(leaf.isDone());
                assertTrue(leaf.toString().endsWith(".withValue(round)"), "toString");
                try (CancellableContext timed = leaf.withTimeout(Duration.ofSeconds(5))) {
                    assertEquals(Duration.ofSeconds(1).toNanos(), timed.remainingNanos(), "the top's deadline");
                }
                manual.advance(Duration.ofSeconds(1));
                assertTrue(leaf.isDone(), "the leaf is past its deadline");
                assertInstanceOf(DeadlineExceededException.class, leaf.error().orElseThrow());
                assertTrue(top.isDone(), "the top, whose deadline it is, ended with it");
                assertInstanceOf(DeadlineExceededException.class, top.error().orElseThrow());
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "small-stack", 256 * 1024);
        smallStack.start();
        smallStack.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(smallStack.isAlive());
        assertEquals(null, failure.get());
    }

    @Test
    void theMessageNamesACauseThatHasNoMessage() {
        CancellableContext ctx = Context.background(manual).withCancel();
        ctx.cancel(new IllegalStateException());
        CancelledException e = assertThrows(CancelledException.class, ctx::throwIfDone);
        assertEquals("context cancelled: java.lang.IllegalStateException", e.getMessage());
        assertEquals("context cancelled: pool stopped",
                new CancelledException(new OutOfMemoryError("pool stopped")).getMessage());
        assertEquals("context cancelled", new CancelledException(null).getMessage());
    }

    @Test
    void aCauseWhoseMessageCannotBeReadStillCancels() {
        // the cause is often what user code threw (a link's function, a failed stage): any throwable
        CancellableContext ctx = Context.background(manual).withCancel();
        CancellableContext child = ctx.withCancel();
        Unprintable why = new Unprintable();
        ctx.cancel(why);
        assertTrue(ctx.isDone(), "cancel(cause) ended the context");
        assertTrue(child.isDone(), "and its child");
        assertEquals(Optional.of(why), ctx.cause());
        assertEquals(Optional.of(why), child.cause());
        CancelledException e = assertThrows(CancelledException.class, child::throwIfDone);
        assertEquals("context cancelled: " + Unprintable.class.getName(), e.getMessage());
        assertEquals(why, e.getCause());
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    /** An Error whose message cannot be read: printing it (as a logging handler does) throws. */
    static final class Unprintable extends Error {
        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            throw new StackOverflowError("no message");
        }
    }

    /** A manual clock whose timers never run, as if the timer thread were always late. */
    private record LateTimerClock(ManualClock base) implements Clock {
        @Override
        public long nanoTime() {
            return base.nanoTime();
        }

        @Override
        public Instant instant() {
            return base.instant();
        }

        @Override
        public Registration schedule(long deadlineNanos, Runnable action) {
            return Registration.NONE;
        }
    }

    /** A clock whose monotonic counter is {@code offset} ahead of a manual clock's (wrapping around). */
    private record OffsetClock(ManualClock base, long offset) implements Clock {
        @Override
        public long nanoTime() {
            return base.nanoTime() + offset;
        }

        @Override
        public Instant instant() {
            return base.instant();
        }

        @Override
        public void parkNanos(Object blocker, long nanos) {
            base.parkNanos(blocker, nanos);
        }

        @Override
        public Registration schedule(long deadlineNanos, Runnable action) {
            return base.schedule(deadlineNanos - offset, action);
        }
    }

    /** The system clock, counting the timers asked of it. */
    private static final class CountingClock implements Clock {
        final java.util.concurrent.atomic.AtomicInteger timers = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public long nanoTime() {
            return Clock.system().nanoTime();
        }

        @Override
        public Instant instant() {
            return Clock.system().instant();
        }

        @Override
        public Registration schedule(long deadlineNanos, Runnable action) {
            timers.incrementAndGet();
            return Clock.system().schedule(deadlineNanos, action);
        }
    }

    @Test
    void aDeadlineAlreadyPastEndsTheContextAtOnceWithoutATimer() {
        CountingClock clock = new CountingClock();
        Context root = Context.background(clock);
        List<Context> done = List.of(root.withTimeout(Duration.ZERO), root.withTimeout(Duration.ofSeconds(-5)),
                root.withDeadline(Instant.now().minusSeconds(1)), root.withTimeout(Duration.ofSeconds(Long.MIN_VALUE)));
        for (Context ctx : done) {
            AtomicReference<Boolean> ran = new AtomicReference<>(false);
            ctx.onDone(() -> ran.set(true));
            assertTrue(ran.get(), "ended before it was returned: a callback runs at once");
            assertInstanceOf(DeadlineExceededException.class, ctx.error().orElseThrow());
        }
        assertEquals(0, clock.timers.get(), "no timer (and no timer thread) for a context already done");
        CancellableContext later = root.withTimeout(Duration.ofHours(1));
        assertFalse(later.isDone());
        assertEquals(1, clock.timers.get());
        later.cancel();
    }
}
