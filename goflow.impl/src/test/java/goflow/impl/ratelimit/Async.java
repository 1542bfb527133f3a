package goflow.impl.ratelimit;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/** Runs one blocking call on its own thread and reports how it ended. For tests only. */
final class Async {
    /** A blocking call. */
    interface Call {
        void run() throws Exception;
    }

    private final Thread thread;
    private final CountDownLatch done = new CountDownLatch(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private Async(String name, Call call) {
        thread = new Thread(() -> {
            try {
                call.run();
            } catch (Throwable t) {
                failure.set(t);
            } finally {
                done.countDown();
            }
        }, name);
        thread.setDaemon(true);
    }

    static Async start(String name, Call call) {
        Async a = new Async(name, call);
        a.thread.start();
        return a;
    }

    boolean isDone() {
        return done.getCount() == 0;
    }

    void interrupt() {
        thread.interrupt();
    }

    /** Waits for the end and returns the exception thrown, or null on success. */
    Throwable outcome() throws InterruptedException {
        boolean ended = done.await(30, TimeUnit.SECONDS);
        assertFalse(!ended, "call did not end within 30 s");
        thread.join();
        return failure.get();
    }
}
