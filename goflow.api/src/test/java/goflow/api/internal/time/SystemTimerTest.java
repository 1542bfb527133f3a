package goflow.api.internal.time;

import static org.junit.jupiter.api.Assertions.assertTrue;

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
}
