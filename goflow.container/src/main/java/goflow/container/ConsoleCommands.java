package goflow.container;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.CommandSessionListener;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

/**
 * Keeps Gogo's own races out of a normal {@code stop 0}. Registered as a Gogo
 * {@link CommandSessionListener} (it sees every command line that starts and ends) and as a
 * synchronous bundle listener (it sees the framework start to stop, before any bundle stops).
 *
 * <ul>
 * <li><b>The command that stopped the framework finishes first.</b> {@code stop 0} returns at once
 * while the framework stops on another thread; if the shell bundle is stopped before that command
 * line has returned, the console thread is interrupted inside it and Gogo prints a bare
 * {@code java.lang.InterruptedException}. When the framework starts to stop, this waits (at most
 * {@link #SETTLE_MILLIS} ms) until no command line is executing.</li>
 * <li><b>No session is collected while Gogo closes them.</b> Gogo's runtime keeps its sessions in a
 * {@code WeakHashMap} and, when it stops, copies the keys into an array sized beforehand: a
 * session collected in between (the console's own, which Gogo never closes, becomes garbage when
 * the shell bundle stops) leaves a null there, and Gogo's stop fails with a
 * {@code NullPointerException} that the framework prints. So the sessions seen running commands
 * are remembered weakly, and when the framework starts to stop the live ones are held strongly
 * until this bundle stops, after Gogo's runtime.</li>
 * </ul>
 *
 * <p>Thread-safe: every field is guarded by {@code this}; waiters are woken by
 * {@code notifyAll} when a command line ends.
 */
final class ConsoleCommands implements CommandSessionListener, SynchronousBundleListener {
    /** The longest the framework's stop waits for executing command lines. */
    static final long SETTLE_MILLIS = 2000;

    private final LongSupplier nanoTime;
    /** Command lines executing now (guarded by this). */
    private int executing;
    /** Sessions that have run a command, weakly (guarded by this). */
    private final Map<CommandSession, Boolean> seen = new WeakHashMap<>();
    /** The sessions held while the framework stops (guarded by this). */
    private List<CommandSession> held = List.of();

    /**
     * Creates the listener.
     *
     * @param nanoTime the clock for the bounded wait ({@code System::nanoTime})
     */
    ConsoleCommands(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    @Override
    public synchronized void beforeExecute(CommandSession session, CharSequence command) {
        executing++;
        seen.put(session, Boolean.TRUE);
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence command, Exception exception) {
        ended();
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence command, Object result) {
        ended();
    }

    private synchronized void ended() {
        if (executing > 0) {
            executing--;
        }
        notifyAll();
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.STOPPING && event.getBundle().getBundleId() == 0) {
            try {
                frameworkStopping(SETTLE_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Holds the sessions seen so far and waits up to {@code millis} until no command line executes.
     *
     * @param millis the longest wait
     * @return true if no command line was executing at the end
     * @throws InterruptedException if interrupted while waiting
     */
    synchronized boolean frameworkStopping(long millis) throws InterruptedException {
        held = Collections.unmodifiableList(new ArrayList<>(seen.keySet()));
        long deadline = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(millis);
        long left;
        while (executing > 0 && (left = deadline - nanoTime.getAsLong()) > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return executing == 0;
    }

    /** Lets the held sessions go (this bundle stops, after Gogo's runtime). */
    synchronized void release() {
        held = List.of();
        seen.clear();
    }

    /** The sessions held since the framework started to stop. */
    synchronized List<CommandSession> held() {
        return held;
    }

    /** How many command lines are executing. */
    synchronized int executing() {
        return executing;
    }
}
