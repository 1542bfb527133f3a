package goflow.container;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.CommandSessionListener;
import org.osgi.framework.BundleException;
import org.osgi.framework.launch.Framework;

/**
 * Ends the container when its {@code gosh.args} script fails. Gogo stops a {@code --nointeractive}
 * script at its first failing command and leaves the framework running, so a batch job would hang
 * until killed; this listener, registered only for such a script (and not with
 * {@code --noshutdown}), sees the script's top-level execution fail (Gogo tells listeners about
 * each {@code CommandSession.execute}, not about the commands inside it), says so on the console
 * and stops the framework with exit code {@value #EXIT_CODE} ({@link ExitCode#REQUESTED}).
 *
 * <p>Thread-safe: {@code fired} makes the first failure the only one acted on.
 */
final class ScriptFailure implements CommandSessionListener {
    /** The exit code of a failed script. */
    static final int EXIT_CODE = 1;
    private static final System.Logger LOG = System.getLogger(ScriptFailure.class.getName());

    private final Framework framework;
    private final PrintStream console;
    private final AtomicBoolean fired = new AtomicBoolean();

    /**
     * Creates the listener.
     *
     * @param framework the framework to stop
     * @param console where the failure is said ({@code System.err})
     */
    ScriptFailure(Framework framework, PrintStream console) {
        this.framework = framework;
        this.console = console;
    }

    /**
     * Whether the shell's arguments run a script that should end the container when it fails: a
     * {@code --nointeractive} run without {@code -s} / {@code --noshutdown}.
     *
     * @param goshArgs the {@code gosh.args} property, or null
     * @return true for such a script
     */
    static boolean applies(String goshArgs) {
        return GoshHome.hasOption(goshArgs, "--nointeractive") && !GoshHome.hasOption(goshArgs, "-s", "--noshutdown");
    }

    @Override
    public void beforeExecute(CommandSession session, CharSequence command) {
        // only the end matters
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence command, Object result) {
        // a script that ends normally keeps today's behaviour: its stop 0 stops the container
    }

    @Override
    public void afterExecute(CommandSession session, CharSequence command, Exception exception) {
        if (!fired.compareAndSet(false, true)) {
            return;
        }
        String said = "goflow.container: the gosh.args script failed (" + exception
                + "); the container stops with exit code " + EXIT_CODE
                + " (add --noshutdown to gosh.args to keep it running after a failure)";
        console.println(said);
        LOG.log(System.Logger.Level.ERROR, said, exception);
        System.setProperty(ExitCode.REQUESTED, Integer.toString(EXIT_CODE));
        try {
            framework.stop(); // returns at once; the framework stops on its own thread
        } catch (BundleException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR,
                    "goflow.container: could not stop the framework after the script failed", e);
        }
    }
}
