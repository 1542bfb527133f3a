package goflow.container;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.launch.Framework;

/**
 * The bnd launcher's "main thread" service ({@code Callable<Integer>} with
 * {@code main.thread=true}): the launcher calls it on its main thread and exits with the value it
 * returns. This one returns 0 when the framework stops normally, for example after {@code stop 0};
 * without it the launcher exits with 117.
 *
 * <p><b>One per framework, not per bundle revision.</b> The launcher takes the first such service
 * and keeps calling that object, whatever happens to the bundle that registered it. So the exit
 * code is registered, and listens for the framework's stop, through the <em>system bundle's</em>
 * context: it outlives a restart, update or refresh of the container bundle (a refresh of
 * goflow.api restarts it), and a later revision of the bundle finds it by the {@value #OWNER}
 * property instead of registering a second one nobody waits on. The framework unregisters it when
 * it stops. The price is that the first revision's class stays loaded until the JVM exits; the
 * code that runs late (the release below) uses only this class, already loaded, and JDK and
 * framework types, so it works after that revision is refreshed away.
 *
 * <p><b>The hand-off.</b> When the framework starts to stop, Felix fires the system bundle's
 * {@code STOPPING} event synchronously on its shutdown thread, before any bundle is stopped; the
 * listener then {@linkplain #release(long) releases} the call and waits (bounded) until the
 * launcher's main thread has marked the shutdown as orderly: the launcher does that right after
 * our call returns and then waits in {@code Framework.waitForStop} for the rest of the stop, which
 * is what the release looks for in the thread's stack. Otherwise the launcher's watcher thread,
 * seeing the framework stopped first, would exit with 117.
 *
 * <p>Thread-safe: the two latches hand the stop from the framework's shutdown thread to the
 * launcher's main thread and back; {@link #caller} is volatile.
 */
final class ExitCode implements Callable<Integer>, SynchronousBundleListener {
    /** The service property that marks the launcher's main-thread service. */
    static final String MAIN_THREAD = "main.thread";
    /** The service property that marks this container's exit code (for later bundle revisions). */
    static final String OWNER = "goflow.container.exitcode";
    /** The exit code for a framework stopped on an error (the launcher's own code for errors). */
    static final int ERROR = 124;
    /**
     * The system property through which the container asks for another code than 0 for a normal
     * stop it starts ({@link ScriptFailure}). A property, not a method: a later revision of this
     * bundle cannot call this object, whose class is the first revision's.
     */
    static final String REQUESTED = "goflow.container.exitCode";
    /** How long the stopping framework waits for the launcher's main thread to take the exit code. */
    static final long RELEASE_WAIT_MILLIS = 2000;
    private static final long POLL_MILLIS = 100;

    private final Framework framework;
    private final CountDownLatch released = new CountDownLatch(1);
    private final CountDownLatch returned = new CountDownLatch(1);
    /** The launcher's main thread, once it has called; read by the stopping thread. */
    private volatile Thread caller;

    ExitCode(Framework framework) {
        this.framework = framework;
        // Resolve now what the release uses, while this bundle revision is current.
        waitingForTheStop(Thread.currentThread());
    }

    /**
     * Registers the framework's exit code unless an earlier revision of this bundle already did.
     *
     * @param framework the framework
     * @return the new exit code, or null when one was already registered
     * @throws InvalidSyntaxException never (the filter is constant)
     */
    static ExitCode install(Framework framework) throws InvalidSyntaxException {
        BundleContext system = framework.getBundleContext();
        ServiceReference<?>[] existing = system.getServiceReferences(Callable.class.getName(), "(" + OWNER + "=true)");
        if (existing != null && existing.length > 0) {
            return null;
        }
        ExitCode exit = new ExitCode(framework);
        system.addBundleListener(exit);
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(MAIN_THREAD, Boolean.TRUE);
        props.put(OWNER, Boolean.TRUE);
        system.registerService(Callable.class.getName(), exit, props);
        return exit;
    }

    /** Releases the launcher when the framework (bundle 0) starts to stop. */
    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.STOPPING && event.getBundle().getBundleId() == 0) {
            try {
                release(RELEASE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Lets {@link #call()} return 0 and waits up to {@code millis} until the launcher's main thread
     * has left it and waits for the stop (it may not be in it yet: then it returns at once when
     * it calls).
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
     * @return 0 after a normal stop (or the code asked for through {@link #REQUESTED}),
     *     {@value #ERROR} when the framework stopped on an error
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
            return requested();
        } finally {
            returned.countDown();
        }
    }

    /** The code asked for through {@link #REQUESTED}, or 0 (also for a value that is not a whole number). */
    static int requested() {
        try {
            return Integer.parseInt(System.getProperty(REQUESTED, "0").trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
