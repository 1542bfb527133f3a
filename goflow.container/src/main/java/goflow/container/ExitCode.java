package goflow.container;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;

/**
 * The bnd launcher's "main thread" service ({@code Callable<Integer>} with
 * {@code main.thread=true}): the launcher calls it on its main thread and exits with the value it
 * returns. This one returns 0 when the framework stops normally, for example after {@code stop 0}
 * at the end of a script; without it the launcher exits with 117.
 *
 * <p>Why the hand-off: when the framework stops on its own, a launcher thread waiting for the stop
 * exits the JVM with 117 unless the launcher's main thread has left this call first (the main
 * thread then marks the shutdown as orderly and exits with our value). So the container bundle's
 * stop, which runs while the framework is stopping and before it has stopped,
 * {@linkplain #release(long) releases} the call and waits (bounded) until the main thread has left
 * it, and then until that thread has told the launcher that the shutdown is orderly: the launcher
 * does that right after our call returns and then waits in {@code Framework.waitForStop}, which
 * is what {@link #release(long)} looks for in the thread's stack. (Leaving the call alone is not
 * enough: on a busy machine the framework could finish stopping in between, and the launcher's
 * watcher thread would still exit with 117.) When the bundle alone is stopped
 * or updated, the call keeps waiting for the framework to stop, so the launcher is never left
 * blocked.
 *
 * <p>Thread-safe: the two latches hand the stop from the framework's thread to the launcher's
 * main thread and back.
 */
final class ExitCode implements Callable<Integer> {
    /** The service property that marks the launcher's main-thread service. */
    static final String MAIN_THREAD = "main.thread";
    /** The exit code for a framework stopped on an error (the launcher's own code for errors). */
    static final int ERROR = 124;
    private static final long POLL_MILLIS = 100;

    private final Framework framework;
    private final CountDownLatch released = new CountDownLatch(1);
    private final CountDownLatch returned = new CountDownLatch(1);
    /** The launcher's main thread, once it has called; read by the stopping thread. */
    private volatile Thread caller;

    ExitCode(Framework framework) {
        this.framework = framework;
    }

    /**
     * Lets {@link #call()} return 0 and waits up to {@code millis} for the launcher's main thread
     * to leave it (it may not be in it yet: then it returns at once when it calls).
     *
     * @param millis the longest wait
     * @throws InterruptedException if interrupted while waiting
     */
    void release(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        released.countDown();
        if (!returned.await(millis, TimeUnit.MILLISECONDS)) {
            return;
        }
        Thread main = caller;
        while (main != null && main.isAlive() && !waitingForTheStop(main) && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
    }

    /** Whether {@code thread} is inside {@code Framework.waitForStop}, where the launcher waits after our call. */
    private static boolean waitingForTheStop(Thread thread) {
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getMethodName().equals("waitForStop")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Waits until {@link #release(long)} or until the framework has stopped.
     *
     * @return 0 after a normal stop, {@value #ERROR} when the framework stopped on an error
     * @throws InterruptedException if the launcher's thread is interrupted
     */
    @Override
    public Integer call() throws InterruptedException {
        caller = Thread.currentThread();
        try {
            while (!released.await(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                FrameworkEvent event = framework.waitForStop(1);
                if (event.getType() != FrameworkEvent.WAIT_TIMEDOUT) {
                    return event.getType() == FrameworkEvent.ERROR ? ERROR : 0;
                }
            }
            return 0;
        } finally {
            returned.countDown();
        }
    }
}
