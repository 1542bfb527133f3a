package goflow.container;

import java.io.IOException;
import java.nio.file.Path;

import org.apache.felix.service.command.CommandSessionListener;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.launch.Framework;

/**
 * Sets the container up when this bundle starts (at a start level before FileInstall and the
 * shell): sends the log to {@code log/goflow.log} ({@link LogFile}), creates the
 * {@code felix.fileinstall.dir} folder (default {@code deploy}) with the default configuration if it
 * is missing, prepares a profile for a non-interactive script and ends the container when that
 * script fails ({@link ScriptFailure}), lets the Gogo console open a real
 * terminal ({@link ConsoleTerminal}), keeps Gogo's races out of {@code stop 0}
 * ({@link ConsoleCommands}) and makes sure the launcher's exit code is registered
 * ({@link ExitCode}, once per framework). With {@value Headless#PROPERTY}{@code =true} there is no
 * shell, and SIGTERM or SIGINT stops the container ({@link Headless}).
 *
 * <p>The framework calls start and stop on one thread at a time; the fields are written in start
 * and read in stop.
 */
public final class Activator implements BundleActivator {
    private static final System.Logger LOG = System.getLogger(Activator.class.getName());
    static final String DEPLOY_DIR = "felix.fileinstall.dir";

    private LogFile log;
    private ConsoleTerminal terminal;
    private ConsoleCommands commands;
    private Path goshHome;
    private Headless headless;

    /** Creates the activator (the framework calls it). */
    public Activator() {
        // state is set in start
    }

    @Override
    public void start(BundleContext context) throws IOException, InvalidSyntaxException, BundleException {
        // A bad value fails the start before anything is done: the framework reports it.
        boolean withoutShell = Headless.enabled(context.getProperty(Headless.PROPERTY));
        try {
            log = LogFile.install(context.getProperty(LogFile.FILE), context.getProperty(LogFile.LEVEL),
                    context.getProperty(LogFile.MAX_BYTES), context.getProperty(LogFile.FILES));
        } catch (IOException | IllegalArgumentException e) {
            // The container works without its log file: say why, on the console, and go on.
            log = null;
            LOG.log(System.Logger.Level.WARNING, e.getMessage() + "; the log stays on the console");
        }
        try {
            terminal = new ConsoleTerminal(context);
            context.addBundleListener(terminal);
            commands = new ConsoleCommands(System::nanoTime);
            context.addBundleListener(commands);
            context.registerService(CommandSessionListener.class, commands, null);
            ExitCode.install((Framework) context.getBundle(0));
            if (!withoutShell && ScriptFailure.applies(context.getProperty(GoshHome.ARGS))) {
                // a failing --nointeractive script ends the container (Gogo would leave it running)
                context.registerService(CommandSessionListener.class,
                        new ScriptFailure((Framework) context.getBundle(0), System.err), null);
            }
            String dir = context.getProperty(DEPLOY_DIR);
            Path deploy = Path.of(dir == null || dir.isBlank() ? "deploy" : dir);
            if (DeployFolder.prepare(deploy, Activator.class.getClassLoader())) {
                LOG.log(System.Logger.Level.INFO, "goflow: created " + deploy.toAbsolutePath()
                        + " with the default configuration");
            }
            ConfigFileGuard.register(context); // malformed .config and BOM .cfg files in deploy/: refused loudly
            if (withoutShell) {
                headless = Headless.start(context);
            }
            goshHome = GoshHome.prepare(context.getProperty(GoshHome.ARGS), System.getProperty(GoshHome.HOME));
            if (goshHome != null) {
                System.setProperty(GoshHome.HOME, goshHome.toString());
            }
        } catch (IOException | InvalidSyntaxException | BundleException | RuntimeException | Error e) {
            // A failed start gets no stop: undo what was done (the listener goes with the context).
            if (headless != null) {
                headless.close();
                headless = null;
            }
            if (log != null) {
                log.close();
            }
            throw e;
        }
    }

    @Override
    public void stop(BundleContext context) throws IOException {
        if (headless != null) {
            headless.close();
            headless = null;
        }
        try {
            context.removeBundleListener(terminal);
            context.removeBundleListener(commands);
            commands.release();
            if (goshHome != null) {
                System.clearProperty(GoshHome.HOME);
                GoshHome.delete(goshHome);
            }
            if (context.getBundle(0).getState() == Bundle.STOPPING) {
                LOG.log(System.Logger.Level.INFO, "goflow: the container has stopped (every other bundle is stopped)");
            }
        } finally {
            if (log != null) {
                log.close(); // also when a step above failed: the log file is flushed and its lock released
            }
        }
    }
}
