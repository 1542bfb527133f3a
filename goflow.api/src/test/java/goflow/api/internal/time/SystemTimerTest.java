package goflow.api.internal.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.Registration;

class SystemTimerTest {

    @Test
    void systemClockTimerRunsAndItsThreadExitsWhenIdle() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        Clock system = Clock.system();
        system.schedule(system.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5), ran::countDown);
        assertTrue(ran.await(30, TimeUnit.SECONDS));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (SystemTimer.INSTANCE.isRunning()) {
            assertTrue(System.nanoTime() - end < 0, "goflow-timer did not exit when idle");
            Thread.sleep(10);
        }
    }

    @Test
    void anActionThrowingACheckedExceptionOrAnErrorDoesNotStopTheTimer() throws Exception {
        Clock system = Clock.system();
        CountDownLatch ran = new CountDownLatch(3);
        system.schedule(system.nanoTime(), () -> {
            ran.countDown();
            sneakyThrow(new IOException("thrown by Kotlin or @SneakyThrows code"));
        });
        system.schedule(system.nanoTime(), () -> {
            ran.countDown();
            throw new StackOverflowError("an Error");
        });
        system.schedule(system.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5), ran::countDown);
        assertTrue(ran.await(30, TimeUnit.SECONDS), "the timer thread survived and ran the next action");
    }

    @Test
    void anActionWhoseFailureCannotBeLoggedDoesNotStopTheTimer() throws Exception {
        // logging what an action threw may throw in turn: an OutOfMemoryError, or a throwable that
        // cannot be printed (here: its message throws an Error, which the logging handler lets through)
        Clock system = Clock.system();
        CountDownLatch ran = new CountDownLatch(2);
        system.schedule(system.nanoTime(), () -> {
            ran.countDown();
            throw new Unprintable();
        });
        system.schedule(system.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5), ran::countDown);
        assertTrue(ran.await(30, TimeUnit.SECONDS), "the timer thread survived and ran the next action");
    }

    @Test
    void anInterruptAnActionLeavesOnTheTimerThreadDoesNotReachTheNextAction() throws Exception {
        // the usual idiom, catch (InterruptedException e) { Thread.currentThread().interrupt(); }, in
        // one action (an onDone callback run by a context's deadline) must not fail the next one's
        // interruptible call (lockInterruptibly, a timed offer) on the shared thread
        Clock system = Clock.system();
        long at = system.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
        CountDownLatch ran = new CountDownLatch(1);
        AtomicReference<Boolean> interruptedInNext = new AtomicReference<>();
        system.schedule(at, () -> Thread.currentThread().interrupt());
        system.schedule(at, () -> {
            interruptedInNext.set(Thread.currentThread().isInterrupted());
            ran.countDown();
        });
        assertTrue(ran.await(30, TimeUnit.SECONDS));
        assertEquals(false, interruptedInNext.get(), "the next action ran with the interrupt of the one before");
    }

    @Test
    void theTimerThreadPinsNeitherTheClassLoaderNorTheThreadLocalsOfItsFirstCaller() throws Exception {
        awaitIdle(); // the thread is started by the next schedule, from this thread
        ClassLoader bundleLoader = new ClassLoader(getClass().getClassLoader()) { };
        InheritableThreadLocal<Object> request = new InheritableThreadLocal<>();
        AtomicReference<ClassLoader> seenLoader = new AtomicReference<>();
        AtomicReference<Object> seenLocal = new AtomicReference<>();
        CountDownLatch ran = new CountDownLatch(1);
        Thread self = Thread.currentThread();
        ClassLoader previous = self.getContextClassLoader();
        self.setContextClassLoader(bundleLoader);
        request.set(new Object());
        try {
            Clock system = Clock.system();
            system.schedule(system.nanoTime(), () -> {
                seenLoader.set(Thread.currentThread().getContextClassLoader());
                seenLocal.set(request.get());
                ran.countDown();
            });
        } finally {
            self.setContextClassLoader(previous);
            request.remove();
        }
        assertTrue(ran.await(30, TimeUnit.SECONDS));
        // a long-lived timer thread would keep a stopped bundle's class loader reachable
        assertNotSame(bundleLoader, seenLoader.get());
        assertNull(seenLocal.get(), "an inheritable thread-local of the first caller leaked to the timer");
    }

    /**
     * The timer's heap against a model: thousands of timers scheduled in random order (many with
     * equal deadlines), a random half closed (also twice, and some after they ran), the others run
     * exactly once, in deadline order and, for equal deadlines, in the order they were scheduled.
     */
    @Test
    void timersRunInDeadlineThenScheduleOrderAndClosedOnesNever() throws Exception {
        Clock system = Clock.system();
        Random random = new Random(20261207);
        int n = 5_000;
        long base = system.nanoTime() + TimeUnit.SECONDS.toNanos(3); // none runs while they are scheduled
        List<long[]> ran = Collections.synchronizedList(new ArrayList<>()); // {deadline, order scheduled}
        List<Registration> registrations = new ArrayList<>();
        long[] deadlines = new long[n];
        int pendingBefore = SystemTimer.INSTANCE.pending(); // other tests' far timers, if any
        CountDownLatch kept = new CountDownLatch(n - n / 2);
        for (int i = 0; i < n; i++) {
            long deadline = base + random.nextInt(200) * 100_000L; // within 20 ms, in 0.1 ms steps: ties
            deadlines[i] = deadline;
            int order = i;
            registrations.add(system.schedule(deadline, () -> {
                ran.add(new long[] {deadline, order});
                kept.countDown();
            }));
        }
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            indexes.add(i);
        }
        Collections.shuffle(indexes, random);
        Set<Integer> closed = new HashSet<>(indexes.subList(0, n / 2));
        for (int i : closed) {
            registrations.get(i).close();
            registrations.get(i).close(); // idempotent
        }
        assertTrue(System.nanoTime() - base < 0, "scheduling took longer than the margin; the order below would not hold");
        assertEquals(pendingBefore + n - n / 2, SystemTimer.INSTANCE.pending());
        assertTrue(kept.await(60, TimeUnit.SECONDS), "every timer kept ran");
        for (Registration r : registrations) {
            r.close(); // closing one that ran, or one closed already, changes nothing
        }
        assertEquals(n - n / 2, ran.size());
        for (int k = 0; k < ran.size(); k++) {
            long[] r = ran.get(k);
            assertTrue(!closed.contains((int) r[1]), "a closed timer ran: " + r[1]);
            assertEquals(deadlines[(int) r[1]], r[0]);
            if (k > 0) {
                long[] before = ran.get(k - 1);
                assertTrue(before[0] < r[0] || before[0] == r[0] && before[1] < r[1],
                        "out of order at " + k + ": " + Arrays.toString(before) + " then " + Arrays.toString(r));
            }
        }
        CountDownLatch after = new CountDownLatch(1);
        system.schedule(system.nanoTime(), after::countDown);
        assertTrue(after.await(30, TimeUnit.SECONDS), "the timer still runs what comes next");
    }

    /**
     * The usual timeout is armed and disarmed long before it is due: neither wakes the timer thread
     * (it looks at the queue again by itself within MAX_WAIT_NANOS), and once the last one is closed
     * the thread still exits.
     */
    @Test
    void aTimeoutArmedAndDisarmedBeforeTheThreadsNextLookDoesNotWakeIt() throws Exception {
        Clock system = Clock.system();
        Registration keeper = system.schedule(system.nanoTime() + TimeUnit.MINUTES.toNanos(10), () -> { });
        awaitWaiting();
        long signals = SystemTimer.INSTANCE.signals();
        for (int i = 0; i < 1_000; i++) {
            system.schedule(system.nanoTime() + TimeUnit.SECONDS.toNanos(10), () -> { }).close();
        }
        assertEquals(signals, SystemTimer.INSTANCE.signals(), "wake-ups sent for timeouts 10 s away");
        keeper.close();
        awaitIdle();
    }

    /** A deadline before the waiting thread's next look at the queue wakes it, and runs. */
    @Test
    void aDeadlineBeforeTheThreadsNextLookWakesIt() throws Exception {
        Clock system = Clock.system();
        Registration keeper = system.schedule(system.nanoTime() + TimeUnit.MINUTES.toNanos(10), () -> { });
        try {
            awaitWaiting();
            long signals = SystemTimer.INSTANCE.signals();
            CountDownLatch ran = new CountDownLatch(1);
            system.schedule(system.nanoTime(), ran::countDown);
            assertEquals(signals + 1, SystemTimer.INSTANCE.signals());
            assertTrue(ran.await(30, TimeUnit.SECONDS));
        } finally {
            keeper.close();
        }
    }

    private static void awaitWaiting() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!SystemTimer.INSTANCE.isWaiting()) {
            assertTrue(System.nanoTime() - end < 0, "goflow-timer did not wait");
            Thread.sleep(1);
        }
    }

    private static void awaitIdle() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (SystemTimer.INSTANCE.isRunning()) {
            assertTrue(System.nanoTime() - end < 0, "goflow-timer did not exit when idle");
            Thread.sleep(10);
        }
    }

    /** An Error whose message cannot be read: printing it (as a logging handler does) throws. */
    private static final class Unprintable extends Error {
        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            throw new StackOverflowError("no message");
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }
}
