package goflow.container;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.Callable;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.framework.launch.Framework;

/**
 * Sets the container up when this bundle starts (at a start level before FileInstall and the
 * shell): creates the {@code felix.fileinstall.dir} folder (default {@code deploy}) with the
 * default configuration if it is missing, prepares a profile for a non-interactive script, and
 * registers the launcher's exit-code service, which it releases when the framework stops.
 *
 * <p>The framework calls start and stop on one thread at a time; the fields are written in start
 * and read in stop.
 */
public final class Activator implements BundleActivator {
    private static final System.Logger LOG = System.getLogger(Activator.class.getName());
    static final String DEPLOY_DIR = "felix.fileinstall.dir";
    /** How long a stopping framework waits for the launcher to take the exit code. */
    private static final long RELEASE_WAIT_MILLIS = 2000;

    private ExitCode exit;
    private ServiceRegistration<?> exitRegistration;
    private Path goshHome;

    /** Creates the activator (the framework calls it). */
    public Activator() {
        // state is set in start
    }

    @Override
    public void start(BundleContext context) throws IOException {
        String dir = context.getProperty(DEPLOY_DIR);
        Path deploy = Path.of(dir == null || dir.isBlank() ? "deploy" : dir);
        if (DeployFolder.prepare(deploy, Activator.class.getClassLoader())) {
            LOG.log(System.Logger.Level.INFO, "goflow: created " + deploy.toAbsolutePath()
                    + " with the default configuration");
        }
        ConfigFileGuard.register(context); // malformed .config files in deploy/ are refused loudly
        goshHome = GoshHome.prepare(context.getProperty(GoshHome.ARGS), System.getProperty(GoshHome.HOME));
        if (goshHome != null) {
            System.setProperty(GoshHome.HOME, goshHome.toString());
        }
        exit = new ExitCode((Framework) context.getBundle(0));
        Dictionary<String, Object> props = new Hashtable<>();
        props.put(ExitCode.MAIN_THREAD, Boolean.TRUE);
        exitRegistration = context.registerService(Callable.class.getName(), exit, props);
    }

    @Override
    public void stop(BundleContext context) throws IOException, InterruptedException {
        exitRegistration.unregister();
        if (context.getBundle(0).getState() == Bundle.STOPPING) {
            exit.release(RELEASE_WAIT_MILLIS);
        }
        if (goshHome != null) {
            System.clearProperty(GoshHome.HOME);
            GoshHome.delete(goshHome);
        }
    }
}
