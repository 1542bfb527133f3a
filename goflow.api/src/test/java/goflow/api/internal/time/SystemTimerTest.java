package goflow.api.internal.time;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import goflow.api.Clock;

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

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }
}
