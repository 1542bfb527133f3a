package goflow.container;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.osgi.framework.namespace.PackageNamespace;
import org.osgi.framework.wiring.BundleWire;
import org.osgi.framework.wiring.BundleWiring;

/**
 * Lets the Gogo console open a real terminal (line editing, history, Ctrl-C) instead of JLine's
 * dumb fallback.
 *
 * <p>JLine 3.26 finds its terminal providers ({@code exec}, {@code jni}, {@code ffm}) as resources
 * {@code META-INF/services/org/jline/terminal/provider/<name>} through the thread's context class
 * loader, and Gogo JLine builds the console's terminal on whichever thread starts it. In OSGi that
 * loader is the launcher's, which cannot see the JLine bundle's resources, so every provider fails
 * and JLine falls back to a dumb terminal: no line editing, no history, and Ctrl-C, never seen by
 * JLine, kills the JVM. Karaf solves it the same way: the context class loader is JLine's own while
 * the terminal is built. Here, while {@value #GOGO_JLINE} or {@value #GOGO_RUNTIME} starts (the
 * console is built when both are up, on the thread that starts the later one), the starting
 * thread's context class loader is the class loader of the JLine bundle that Gogo JLine is wired
 * to; it is restored when the start ends, failed or not.
 *
 * <p>Thread-safe: the framework may start bundles on several threads; each thread's previous
 * loader is kept in a concurrent map under that thread.
 */
final class ConsoleTerminal implements SynchronousBundleListener {
    private static final System.Logger LOG = System.getLogger(ConsoleTerminal.class.getName());
    static final String GOGO_JLINE = "org.apache.felix.gogo.jline";
    static final String GOGO_RUNTIME = "org.apache.felix.gogo.runtime";
    /** The package whose provider's class loader has the terminal providers. */
    static final String JLINE_TERMINAL = "org.jline.terminal";
    private static final Set<String> CONSOLE_BUNDLES = Set.of(GOGO_JLINE, GOGO_RUNTIME);

    private final BundleContext context;
    /** The context class loader each thread had before a console bundle's start, by thread. */
    private final Map<Thread, ClassLoader> previous = new ConcurrentHashMap<>();

    ConsoleTerminal(BundleContext context) {
        this.context = context;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (!CONSOLE_BUNDLES.contains(event.getBundle().getSymbolicName())) {
            return;
        }
        Thread thread = Thread.currentThread();
        switch (event.getType()) {
            case BundleEvent.STARTING -> {
                ClassLoader jline = jlineLoader();
                if (jline != null) {
                    previous.put(thread, thread.getContextClassLoader());
                    thread.setContextClassLoader(jline);
                }
            }
            case BundleEvent.STARTED, BundleEvent.STOPPING, BundleEvent.STOPPED -> {
                // STOPPING/STOPPED also end a start whose activator failed.
                if (previous.containsKey(thread)) {
                    thread.setContextClassLoader(previous.remove(thread));
                }
            }
            default -> {
                // other events do not concern the console
            }
        }
    }

    /** The class loader of the bundle that provides {@value #JLINE_TERMINAL} to Gogo JLine, or null. */
    private ClassLoader jlineLoader() {
        for (Bundle bundle : context.getBundles()) {
            if (!GOGO_JLINE.equals(bundle.getSymbolicName())) {
                continue;
            }
            ClassLoader loader = providerLoader(bundle.adapt(BundleWiring.class), JLINE_TERMINAL);
            if (loader != null) {
                return loader;
            }
        }
        LOG.log(System.Logger.Level.DEBUG, "goflow: no resolved " + GOGO_JLINE + " wired to " + JLINE_TERMINAL);
        return null;
    }

    /**
     * The class loader of the bundle that provides package {@code pkg} to {@code wiring}.
     *
     * @param wiring a bundle's current wiring, or null when it is not resolved
     * @param pkg the package name
     * @return the provider's class loader, or null
     */
    static ClassLoader providerLoader(BundleWiring wiring, String pkg) {
        if (wiring == null) {
            return null;
        }
        for (BundleWire wire : wiring.getRequiredWires(PackageNamespace.PACKAGE_NAMESPACE)) {
            if (pkg.equals(wire.getCapability().getAttributes().get(PackageNamespace.PACKAGE_NAMESPACE))) {
                return wire.getProviderWiring().getClassLoader();
            }
        }
        return null;
    }
}
