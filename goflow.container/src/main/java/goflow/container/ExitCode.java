package goflow.container;

import java.util.concurrent.Callable;

import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;

/**
 * The bnd launcher's "main thread" service ({@code Callable<Integer>} with
 * {@code main.thread=true}): the launcher calls it on its main thread and exits with the value it
 * returns. This one waits for the framework to stop and returns 0 for a normal stop (for example
 * {@code stop 0} at the end of a script; the launcher alone would exit with 117) and 124 when the
 * framework stopped on an error. It waits for the framework rather than for this bundle, so a
 * stopped or updated container bundle never leaves the launcher blocked.
 *
 * <p>Thread-safe: stateless apart from the framework, whose {@code waitForStop} is thread-safe.
 */
final class ExitCode implements Callable<Integer> {
    /** The service property that marks the launcher's main-thread service. */
    static final String MAIN_THREAD = "main.thread";
    /** The exit code for a framework stopped on an error (the launcher's own code for errors). */
    static final int ERROR = 124;

    private final Framework framework;

    ExitCode(Framework framework) {
        this.framework = framework;
    }

    /**
     * Waits until the framework has stopped.
     *
     * @return 0 after a normal stop, {@value #ERROR} after an error
     * @throws InterruptedException if the launcher's thread is interrupted
     */
    @Override
    public Integer call() throws InterruptedException {
        FrameworkEvent event = framework.waitForStop(0);
        return event.getType() == FrameworkEvent.ERROR ? ERROR : 0;
    }
}
