package goflow.api.internal.time;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

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

    private static void awaitIdle() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (SystemTimer.INSTANCE.isRunning()) {
            assertTrue(System.nanoTime() - end < 0, "goflow-timer did not exit when idle");
            Thread.sleep(10);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }
}
