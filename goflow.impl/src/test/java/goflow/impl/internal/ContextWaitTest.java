package goflow.impl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.junit.jupiter.api.Test;

import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.testing.ManualClock;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/**
 * The one context-aware wait under a lock: a waiter on a counter of permits ({@code take} waits
 * until {@code permits > 0}) ends on a signal, on its context's cancel or deadline, and on an
 * interrupt, never loses a wake-up meant for another waiter, and holds the lock whenever it returns
 * or throws.
 */
class ContextWaitTest extends NoThreadLeaks.LeakCheckedTest {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition available = lock.newCondition();
    /** Guarded by lock. */
    private int permits;
    /** Guarded by lock: how many threads wait in await. */
    private int waiting;

    /** Takes a permit, waiting for one; the operation under test. */
    private void take(Context ctx) throws InterruptedException {
        ContextWait wait = null;
        lock.lockInterruptibly();
        try {
            while (permits == 0) {
                if (wait == null) {
                    wait = new ContextWait(ctx, lock, available);
                }
                waiting++;
                try {
                    wait.await(() -> permits > 0);
                } finally {
                    assertTrue(lock.isHeldByCurrentThread(), "await returns or throws with the lock held");
                    waiting--;
                }
            }
            permits--;
        } finally {
            lock.unlock();
            ContextWait.close(wait);
        }
    }

    private void release() {
        lock.lock();
        try {
            permits++;
            available.signal();
        } finally {
            lock.unlock();
        }
    }

    private int waiting() {
        lock.lock();
        try {
            return waiting;
        } finally {
            lock.unlock();
        }
    }

    private static CompletableFuture<Void> taker(String name, ThrowingRunnable body) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        }, name);
        t.start();
        return done;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    private static Throwable failure(CompletableFuture<Void> f) throws Exception {
        try {
            f.get(30, TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        }
    }

    @Test
    void aSignalEndsTheWait() throws Exception {
        CompletableFuture<Void> t = taker("taker", () -> take(Context.background()));
        Eventually.until(() -> waiting() == 1);
        release();
        assertNull(failure(t));
        assertEquals(0, permits);
    }

    @Test
    void aCancelEndsTheWaitWithTheContextsError() throws Exception {
        CancellableContext ctx = Context.background().withCancel();
        CompletableFuture<Void> t = taker("taker", () -> take(ctx));
        Eventually.until(() -> waiting() == 1);
        ctx.cancel();
        assertInstanceOf(CancelledException.class, failure(t));
        assertEquals(0, waiting());
    }

    @Test
    void aContextAlreadyDoneEndsTheWaitBeforeAnyAwait() throws Exception {
        CancellableContext ctx = Context.background().withCancel();
        ctx.cancel();
        lock.lock();
        try {
            ContextWait wait = new ContextWait(ctx, lock, available);
            wait.await(() -> false); // watches the context (its callback runs at once) and returns
            CancelledException e = org.junit.jupiter.api.Assertions.assertThrows(CancelledException.class,
                    () -> wait.await(() -> false));
            assertTrue(lock.isHeldByCurrentThread(), e.toString());
            ContextWait.close(wait);
        } finally {
            lock.unlock();
        }
    }

    @Test
    void aDeadlineOnTheContextsClockEndsTheWait() throws Exception {
        ManualClock clock = new ManualClock();
        CancellableContext ctx = Context.background(clock).withTimeout(Duration.ofSeconds(5));
        CompletableFuture<Void> t = taker("taker", () -> take(ctx));
        Eventually.until(() -> waiting() == 1);
        clock.advance(Duration.ofSeconds(4));
        assertFalse(t.isDone());
        clock.advance(Duration.ofSeconds(1));
        assertInstanceOf(DeadlineExceededException.class, failure(t));
        ctx.close();
    }

    @Test
    void anInterruptEndsTheWaitWithInterruptedException() throws Exception {
        Thread[] self = new Thread[1];
        CompletableFuture<Void> t = taker("taker", () -> {
            self[0] = Thread.currentThread();
            take(Context.background());
        });
        Eventually.until(() -> waiting() == 1);
        self[0].interrupt();
        assertInstanceOf(InterruptedException.class, failure(t));
        assertEquals(0, waiting());
    }

    @Test
    void aSignalMeetingTheEndOfTheWaitersContextIsNeverLost() throws Exception {
        // Two waiters. One permit is released, and its single signal goes to the first waiter
        // just as the first waiter's context ends. Whichever way the first waiter leaves (with the
        // permit, or with its context's error), the permit is not lost: either it took it, or the
        // second waiter gets it.
        for (int round = 0; round < 50; round++) {
            permits = 0;
            CancellableContext first = Context.background().withCancel();
            CompletableFuture<Void> a = taker("first", () -> take(first));
            Eventually.until(() -> waiting() == 1);
            CompletableFuture<Void> b = taker("second", () -> take(Context.background()));
            Eventually.until(() -> waiting() == 2);
            lock.lock();
            try {
                permits++;
                available.signal(); // the first waiter in the condition's queue
                first.cancel(); // its callback needs the lock: it runs once we release it
            } finally {
                lock.unlock();
            }
            Throwable firstEnded = failure(a);
            if (firstEnded == null) {
                // the first took the permit: the second still waits, and gets the next one
                Eventually.until(() -> waiting() == 1);
                release();
            } else {
                assertInstanceOf(CancelledException.class, firstEnded);
            }
            assertNull(failure(b), "round " + round + ": the second waiter got a permit");
            assertEquals(0, permits, "round " + round + ": no permit left unused while the second waited");
            assertEquals(0, waiting());
        }
    }

    @Test
    void aWaiterThatLeavesWhileTheStateIsReadyHandsItsSignalOn() throws Exception {
        // Driven by hand: the waiter's signal is consumed by a wait that then ends on its
        // (already cancelled) context while a permit is there; the signal must go on to the other
        // waiter of the condition.
        CancellableContext ended = Context.background().withCancel();
        CompletableFuture<Void> other = taker("other", () -> take(Context.background()));
        Eventually.until(() -> waiting() == 1);
        ended.cancel();
        lock.lock();
        try {
            ContextWait wait = new ContextWait(ended, lock, available);
            wait.await(() -> permits > 0); // watches the context: already done, so it has fired
            permits++; // a permit the other waiter was not signalled for
            org.junit.jupiter.api.Assertions.assertThrows(CancelledException.class, () -> wait.await(() -> permits > 0));
            ContextWait.close(wait);
        } finally {
            lock.unlock();
        }
        assertNull(failure(other), "the leaving wait passed a signal on to the waiter that can use the permit");
        assertEquals(0, permits);
    }
}
