package goflow.api.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import goflow.api.InvalidConfigException;
import goflow.api.Registration;
import goflow.api.testing.ManualClock;

class ContextTest {
    private final ManualClock clock = new ManualClock();
    private final Context root = Context.background(clock);

    @Test
    void backgroundIsNeverDone() {
        Context bg = Context.background();
        assertFalse(bg.isDone());
        assertEquals(Optional.empty(), bg.error());
        assertEquals(Optional.empty(), bg.deadline());
        assertEquals(Long.MAX_VALUE, bg.remainingNanos());
        bg.throwIfDone();
        assertSame(bg, Context.background());
    }

    @Test
    void cancelEndsTheContextOnceWithCancelledException() {
        CancellableContext ctx = root.withCancel();
        assertFalse(ctx.isDone());
        ctx.cancel();
        assertTrue(ctx.isDone());
        ContextException first = ctx.error().orElseThrow();
        assertInstanceOf(CancelledException.class, first);
        ctx.cancel(new IllegalStateException("later"));
        assertSame(first, ctx.error().orElseThrow(), "the first ending wins");
        CancelledException thrown = assertThrows(CancelledException.class, ctx::throwIfDone);
        assertNotSame(first, thrown, "each waiter gets its own stack trace");
    }

    @Test
    void cancellationFlowsToChildrenNeverToParents() {
        CancellableContext parent = root.withCancel();
        CancellableContext child = parent.withCancel();
        CancellableContext grandchild = child.withTimeout(Duration.ofHours(1));
        CancellableContext sibling = parent.withCancel();

        child.cancel();
        assertTrue(child.isDone());
        assertTrue(grandchild.isDone(), "grandchild follows its parent");
        assertFalse(parent.isDone(), "a child never cancels its parent");
        assertFalse(sibling.isDone());

        parent.cancel();
        assertTrue(sibling.isDone());
    }

    @Test
    void causeIsReportedToDescendants() {
        CancellableContext parent = root.withCancel();
        Context child = parent.withCancel().withValue(Context.Key.named("k"), 1);
        IllegalStateException why = new IllegalStateException("shutting down");
        parent.cancel(why);
        assertSame(why, child.cause().orElseThrow());
        CancelledException e = assertThrows(CancelledException.class, child::throwIfDone);
        assertSame(why, e.getCause());
        assertTrue(e.getMessage().contains("shutting down"), e.getMessage());
    }

    @Test
    void causeWithoutExplicitReasonIsTheError() {
        CancellableContext ctx = root.withCancel();
        assertEquals(Optional.empty(), ctx.cause());
        ctx.cancel();
        assertSame(ctx.error().orElseThrow(), ctx.cause().orElseThrow());
    }

    @Test
    void timeoutExpiresOnTheClockAndFiresCallbacks() {
        CancellableContext ctx = root.withTimeout(Duration.ofSeconds(2));
        AtomicInteger fired = new AtomicInteger();
        ctx.onDone(fired::incrementAndGet);
        assertEquals(Duration.ofSeconds(2).toNanos(), ctx.remainingNanos());
        assertEquals(Optional.of(clock.instant().plusSeconds(2)), ctx.deadline());

        clock.advance(Duration.ofMillis(1999));
        assertFalse(ctx.isDone());
        assertEquals(0, fired.get());

        clock.advance(Duration.ofMillis(1));
        assertTrue(ctx.isDone());
        assertEquals(1, fired.get(), "the timer fired the callback at the deadline");
        assertInstanceOf(DeadlineExceededException.class, ctx.error().orElseThrow());
        assertThrows(DeadlineExceededException.class, ctx::throwIfDone);
    }

    @Test
    void childDeadlineIsTheEarlierOfOwnAndParents() {
        CancellableContext parent = root.withTimeout(Duration.ofSeconds(1));
        CancellableContext later = parent.withTimeout(Duration.ofSeconds(10));
        CancellableContext earlier = parent.withTimeout(Duration.ofMillis(100));
        assertEquals(parent.deadline(), later.deadline());
        assertEquals(Optional.of(clock.instant().plusMillis(100)), earlier.deadline());
        assertEquals(2, clock.pendingTimers(), "no timer for a child whose parent ends first");

        clock.advance(Duration.ofMillis(100));
        assertTrue(earlier.isDone());
        assertFalse(parent.isDone());
        clock.advance(Duration.ofMillis(900));
        assertTrue(later.isDone());
        assertInstanceOf(DeadlineExceededException.class, later.error().orElseThrow());
    }

    @Test
    void aTimeoutBeyondTheEndOfTimeIsAContextThatNeverEnds() {
        CancellableContext forever = root.withTimeout(ChronoUnit.FOREVER.getDuration());
        assertEquals(Optional.of(Instant.MAX), forever.deadline());
        CancellableContext past = root.withTimeout(ChronoUnit.FOREVER.getDuration().negated());
        assertTrue(past.isDone());
        assertEquals(Optional.of(Instant.MIN), past.deadline());
        clock.advance(Duration.ofDays(365 * 70)); // deadlines are at most ~73 years away
        assertFalse(forever.isDone());
        forever.close();
        assertEquals(0, clock.pendingTimers(), "closing it released its timer");
    }

    @Test
    void withDeadlineConvertsWallClockToTheMonotonicClock() {
        Instant at = clock.instant().plusSeconds(5);
        CancellableContext ctx = root.withDeadline(at);
        assertEquals(Optional.of(at), ctx.deadline());
        clock.advance(Duration.ofSeconds(5));
        assertTrue(ctx.isDone());
    }

    @Test
    void pastDeadlineAndNonPositiveTimeoutAreDoneAtOnce() {
        assertTrue(root.withTimeout(Duration.ZERO).isDone());
        assertTrue(root.withTimeout(Duration.ofSeconds(-1)).isDone());
        assertTrue(root.withDeadline(clock.instant().minusSeconds(1)).isDone());
        assertEquals(0, clock.pendingTimers());
    }

    @Test
    void childOfDoneParentIsDoneWithTheParentsError() {
        CancellableContext parent = root.withCancel();
        parent.cancel();
        CancellableContext child = parent.withTimeout(Duration.ofSeconds(1));
        assertTrue(child.isDone());
        assertSame(parent.error().orElseThrow(), child.error().orElseThrow());
        assertEquals(0, clock.pendingTimers(), "no timer left behind");
    }

    @Test
    void closeReleasesTimerAndParentRegistration() {
        CancellableContext parent = root.withCancel();
        List<CancellableContext> children = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            children.add(parent.withTimeout(Duration.ofSeconds(i + 1)));
        }
        assertEquals(100, clock.pendingTimers());
        children.forEach(CancellableContext::close);
        assertEquals(0, clock.pendingTimers());
        AtomicInteger fired = new AtomicInteger();
        parent.onDone(fired::incrementAndGet);
        parent.cancel();
        assertEquals(1, fired.get());
    }

    @Test
    void onDoneRunsOnceInOrderAndImmediatelyWhenAlreadyDone() {
        CancellableContext ctx = root.withCancel();
        List<String> order = new ArrayList<>();
        ctx.onDone(() -> order.add("a"));
        Registration removed = ctx.onDone(() -> order.add("removed"));
        ctx.onDone(() -> {
            throw new IllegalStateException("a failing callback does not stop the others");
        });
        ctx.onDone(() -> order.add("b"));
        removed.close();
        ctx.cancel();
        ctx.cancel();
        assertEquals(List.of("a", "b"), order);
        ctx.onDone(() -> order.add("late"));
        assertEquals(List.of("a", "b", "late"), order);
    }

    @Test
    void valuesAreInheritedAndShadowed() {
        Context.Key<String> user = Context.Key.named("user");
        Context.Key<Integer> other = Context.Key.named("user");
        Context a = root.withValue(user, "alice");
        CancellableContext b = a.withCancel();
        Context c = b.withValue(user, "bob");
        assertEquals(Optional.of("alice"), b.value(user));
        assertEquals(Optional.of("bob"), c.value(user));
        assertEquals(Optional.empty(), c.value(other), "keys compare by identity, not by name");
        assertEquals(Optional.empty(), c.withValue(user, null).value(user));
        b.cancel();
        assertTrue(c.isDone(), "a value context is done when its parent is");
    }

    @Test
    void nullArgumentsAreRejectedWithTheFieldNamed() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> root.withTimeout(null));
        assertEquals("timeout", e.field());
        assertEquals("context: invalid timeout=null (must not be null) - pass a Duration; zero or negative"
                + " gives a context that is already done", e.getMessage());
        assertEquals("deadline", assertThrows(InvalidConfigException.class, () -> root.withDeadline(null)).field());
        assertEquals("key", assertThrows(InvalidConfigException.class, () -> root.withValue(null, 1)).field());
    }

    @Test
    void sleepReturnsAfterTheDurationOnTheClock() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Thread sleeper = new Thread(() -> {
            try {
                root.sleep(Duration.ofSeconds(3));
            } catch (Throwable t) {
                failure.set(t);
            }
            done.countDown();
        });
        sleeper.start();
        awaitParked(1);
        clock.advance(Duration.ofSeconds(2));
        assertFalse(done.await(50, TimeUnit.MILLISECONDS), "still sleeping after 2 of 3 seconds");
        clock.advance(Duration.ofSeconds(1));
        assertTrue(done.await(30, TimeUnit.SECONDS));
        assertEquals(null, failure.get());
    }

    @Test
    void sleepStopsWhenCancelledOrInterrupted() throws Exception {
        CancellableContext ctx = root.withCancel();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread sleeper = new Thread(() -> {
            try {
                ctx.sleep(Duration.ofDays(1));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        sleeper.start();
        awaitParked(1);
        ctx.cancel();
        sleeper.join(TimeUnit.SECONDS.toMillis(30));
        assertInstanceOf(CancelledException.class, failure.get());

        Thread interrupted = new Thread(() -> {
            try {
                root.sleep(Duration.ofDays(1));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        interrupted.start();
        awaitParked(1);
        interrupted.interrupt();
        interrupted.join(TimeUnit.SECONDS.toMillis(30));
        assertInstanceOf(InterruptedException.class, failure.get());
    }

    @Test
    void sleepFailsWithDeadlineExceededWhenTheDeadlineComesFirst() throws Exception {
        CancellableContext ctx = root.withTimeout(Duration.ofSeconds(1));
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread sleeper = new Thread(() -> {
            try {
                ctx.sleep(Duration.ofSeconds(10));
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        sleeper.start();
        awaitParked(1);
        clock.advance(Duration.ofSeconds(1));
        sleeper.join(TimeUnit.SECONDS.toMillis(30));
        assertInstanceOf(DeadlineExceededException.class, failure.get());
    }

    @Test
    void systemClockTimeoutFiresWithoutAnyoneWatching() throws Exception {
        CountDownLatch fired = new CountDownLatch(1);
        try (CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(20))) {
            ctx.onDone(fired::countDown);
            assertTrue(fired.await(30, TimeUnit.SECONDS), "the system timer ended the context");
            assertInstanceOf(DeadlineExceededException.class, ctx.error().orElseThrow());
        }
    }

    @Test
    void concurrentCancelAndRegisterRunEveryCallbackExactlyOnce() throws Exception {
        for (int round = 0; round < 200; round++) {
            CancellableContext ctx = root.withCancel();
            AtomicInteger runs = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            Thread registrar = new Thread(() -> {
                awaitQuietly(start);
                for (int i = 0; i < 100; i++) {
                    ctx.onDone(runs::incrementAndGet);
                }
            });
            registrar.start();
            start.countDown();
            ctx.cancel();
            registrar.join();
            assertEquals(100, runs.get(), "round " + round);
        }
    }

    private void awaitParked(int threads) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (clock.parkedThreads() < threads) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("no thread parked on the clock");
            }
            Thread.onSpinWait();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void closeEndsTheContextAsCancelledAndTheErrorIsOneStableInstance() {
        CancellableContext parent = Context.background().withCancel();
        CancellableContext child = parent.withCancel();
        AtomicInteger callbacks = new AtomicInteger();
        child.onDone(callbacks::incrementAndGet);
        parent.close();
        assertTrue(parent.isDone());
        assertTrue(child.isDone());
        assertEquals(1, callbacks.get());
        ContextException e = parent.error().orElseThrow();
        assertInstanceOf(CancelledException.class, e);
        assertEquals("context cancelled", e.getMessage());
        assertSame(e, parent.error().orElseThrow());
        assertSame(e, parent.cause().orElseThrow());
        assertSame(e, child.error().orElseThrow());
        assertTrue(parent.toString().contains("context cancelled"), parent.toString());
        CancelledException thrown = assertThrows(CancelledException.class, parent::throwIfDone);
        assertNotSame(e, thrown);
        parent.cancel(new IllegalStateException("too late"));
        assertSame(e, parent.error().orElseThrow());
    }
}
