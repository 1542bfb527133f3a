package goflow.api.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import goflow.api.Registration;

class ManualClockTest {

    @Test
    void timeMovesOnlyWhenAdvanced() {
        ManualClock clock = new ManualClock(Instant.parse("2030-05-01T10:00:00Z"));
        assertEquals(0, clock.nanoTime());
        clock.advance(Duration.ofMillis(1500));
        assertEquals(1_500_000_000L, clock.nanoTime());
        assertEquals(Instant.parse("2030-05-01T10:00:01.500Z"), clock.instant());
        assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofNanos(-1)));
    }

    @Test
    void advancingPastTheLastNanosecondIsRefusedNotWrapped() {
        ManualClock clock = new ManualClock();
        clock.advance(Duration.ofDays(365L * 200));
        long before = clock.nanoTime();
        Instant wall = clock.instant();
        // 200 + 200 years of nanoseconds is past Long.MAX_VALUE: it used to wrap to a negative reading
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> clock.advance(Duration.ofDays(365L * 200)));
        assertTrue(e.getMessage().contains("past Long.MAX_VALUE"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofDays(365L * 10_000)));
        assertEquals(before, clock.nanoTime());
        assertEquals(wall, clock.instant());
        clock.advanceNanos(Long.MAX_VALUE - before);
        assertEquals(Long.MAX_VALUE, clock.nanoTime());
        assertThrows(IllegalArgumentException.class, () -> clock.advanceNanos(1));
    }

    @Test
    void advancingTheWallTimePastInstantMaxIsRefusedAndLeavesTheClockReadable() {
        ManualClock clock = new ManualClock(Instant.MAX.minusSeconds(10));
        clock.advance(Duration.ofSeconds(10)); // to Instant.MAX itself
        assertEquals(Instant.MAX, clock.instant());
        long before = clock.nanoTime();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> clock.advanceNanos(1));
        assertTrue(e.getMessage().contains("past Instant.MAX"), e.getMessage());
        assertEquals(before, clock.nanoTime());
        assertEquals(Instant.MAX, clock.instant(), "still readable after the refused advance");
    }

    @Test
    void timersRunInDeadlineOrderWithTheClockAtTheirDeadline() {
        ManualClock clock = new ManualClock();
        List<String> log = new ArrayList<>();
        clock.schedule(300, () -> log.add("c@" + clock.nanoTime()));
        clock.schedule(100, () -> log.add("a@" + clock.nanoTime()));
        Registration cancelled = clock.schedule(150, () -> log.add("cancelled"));
        clock.schedule(100, () -> log.add("b@" + clock.nanoTime()));
        cancelled.close();
        clock.advanceNanos(200);
        assertEquals(List.of("a@100", "b@100"), log);
        assertEquals(200, clock.nanoTime());
        clock.advanceNanos(100);
        assertEquals(List.of("a@100", "b@100", "c@300"), log);
        clock.schedule(0, () -> log.add("due now"));
        assertEquals("due now", log.get(3), "a timer already due runs at once");
        assertEquals(0, clock.pendingTimers());
    }

    @Test
    void advanceWakesParkedThreads() throws Exception {
        ManualClock clock = new ManualClock();
        CountDownLatch woke = new CountDownLatch(1);
        Thread t = new Thread(() -> {
            while (clock.nanoTime() < 1000) {
                clock.parkNanos(this, 1000 - clock.nanoTime());
            }
            woke.countDown();
        });
        t.start();
        clock.advanceNanos(1000);
        assertTrue(woke.await(30, TimeUnit.SECONDS));
        t.join();
    }

    @Test
    void aTimerThrowingACheckedExceptionDoesNotStopTheOthers() {
        ManualClock clock = new ManualClock();
        List<String> ran = new ArrayList<>();
        clock.schedule(Duration.ofSeconds(1).toNanos(), () -> sneakyThrow(new IOException("from Kotlin code")));
        clock.schedule(Duration.ofSeconds(2).toNanos(), () -> ran.add("later"));
        clock.advance(Duration.ofSeconds(2));
        assertEquals(List.of("later"), ran);
        assertEquals(Duration.ofSeconds(2).toNanos(), clock.nanoTime());
    }

    @Test
    void aTimerFailureThatCannotBeLoggedDoesNotStopTheAdvance() {
        // logging what an action threw may throw in turn: an OutOfMemoryError, or a throwable that
        // cannot be printed (here: its message throws an Error, which the logging handler lets through)
        ManualClock clock = new ManualClock();
        List<String> ran = new ArrayList<>();
        clock.schedule(100, () -> {
            throw new Unprintable();
        });
        clock.schedule(200, () -> ran.add("later"));
        clock.advanceNanos(300);
        assertEquals(List.of("later"), ran, "the timer after the failing one ran");
        assertEquals(300, clock.nanoTime());
        assertEquals(0, clock.pendingTimers());
    }

    @Test
    void anAdvanceFromATimerNeverTakesTheClockBack() {
        ManualClock clock = new ManualClock();
        long[] afterInner = new long[1];
        clock.schedule(100, () -> {
            clock.advanceNanos(500); // a timer action (or a callback it runs) advancing the clock itself
            afterInner[0] = clock.nanoTime();
        });
        clock.advanceNanos(200);
        assertTrue(clock.nanoTime() >= afterInner[0],
                "the outer advance moved the clock back from " + afterInner[0] + " to " + clock.nanoTime());
        assertEquals(700, clock.nanoTime(), "nested advances add up");
    }

    @Test
    void concurrentAdvancesAddUpAndTheClockNeverGoesBack() throws Exception {
        ManualClock clock = new ManualClock();
        int threads = 4;
        int rounds = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> advancers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int r = 0; r < rounds; r++) {
                    clock.advanceNanos(1);
                }
            });
            t.start();
            advancers.add(t);
        }
        long[] backwards = new long[1];
        Thread reader = new Thread(() -> {
            long last = 0;
            while (last < (long) threads * rounds && !Thread.currentThread().isInterrupted()) {
                long now = clock.nanoTime();
                if (now < last) {
                    backwards[0]++;
                }
                last = Math.max(last, now);
            }
        });
        reader.start();
        start.countDown();
        for (Thread t : advancers) {
            t.join(30_000);
        }
        reader.interrupt();
        reader.join(30_000);
        assertEquals(0, backwards[0], "nanoTime() went backwards");
        assertEquals((long) threads * rounds, clock.nanoTime(), "every advance counts");
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    /** An Error whose message cannot be read: printing it (as a logging handler does) throws. */
    private static final class Unprintable extends Error {
        private static final long serialVersionUID = 1L;

        @Override
        public String getMessage() {
            throw new StackOverflowError("no message");
        }
    }
}
