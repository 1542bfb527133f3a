package goflow.container;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/**
 * The container without a shell ({@value #PROPERTY}{@code =true}), for docker, systemd and other
 * service managers that give it no terminal and no standard input: the framework, {@code deploy/},
 * the dashboard and everything else run, and SIGTERM or SIGINT stops the container cleanly (every
 * bundle stopped, exit code 0) instead of ending the JVM with the framework still running.
 *
 * <ul>
 * <li><b>No console.</b> The Gogo JLine bundle ({@value ConsoleTerminal#GOGO_JLINE}, start level
 * 20) is stopped persistently while this bundle starts (level 5), so the framework never starts it:
 * no terminal is built, standard input is never read, and its end does not stop the container. The
 * Gogo runtime and commands stay (scripts and remote shells a user adds can use them).</li>
 * <li><b>Signals.</b> The JVM's own SIGTERM/SIGINT handling runs the shutdown hooks and halts with
 * 128 + the signal's number, with the framework still running (the bnd launcher stops nothing; its
 * hook deletes the framework's storage meanwhile). So the handlers of both signals are replaced
 * (through {@code sun.misc.Signal}, module {@code jdk.unsupported}, by reflection): the first signal
 * stops the framework, as {@code stop 0} does, and the launcher exits 0 when it has stopped
 * ({@link ExitCode}); a second signal while it stops exits at once with 128 + its number, as the
 * JVM would. {@link #close} puts the JVM's handlers back.</li>
 * </ul>
 *
 * <p>Off by default, and never chosen by itself when standard input is not a terminal: a pipe or a
 * script fed on standard input ends the container at its end, as before.
 *
 * <p>Thread-safe: signals arrive on the JVM's signal threads; the first is told from the later ones
 * by the {@link #signalled} flag. The traps are written by the activator's thread before any signal
 * can reach them and read in {@link #close}, on the activator's thread.
 */
final class Headless implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Headless.class.getName());
    /** The framework property that turns the shell off. */
    static final String PROPERTY = "goflow.headless";
    /** The signals that stop the container. */
    static final List<String> SIGNALS = List.of("TERM", "INT");

    private final Runnable stop;
    private final IntConsumer exit;
    private final AtomicBoolean signalled = new AtomicBoolean();
    private final List<Trap> traps = new ArrayList<>();

    /**
     * Creates the signal logic without installing anything (tests call {@link #signal} directly).
     *
     * @param stop stops the framework (returns at once; the framework stops on its own thread)
     * @param exit ends the JVM with the given status ({@code System::exit})
     */
    Headless(Runnable stop, IntConsumer exit) {
        this.stop = stop;
        this.exit = exit;
    }

    /**
     * Reads {@value #PROPERTY}.
     *
     * @param value the property's value, or null
     * @return true for {@code true} (any case); false for {@code false}, null or blank
     * @throws IllegalArgumentException for any other value (naming the property, the value and the rule)
     */
    static boolean enabled(String value) {
        if (value == null || value.isBlank()) {
            return false;
        }
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("goflow.container: property " + PROPERTY + " = '" + value
                    + "' must be true or false (default false)");
        };
    }

    /**
     * Keeps the console from starting and traps SIGTERM and SIGINT to stop the framework.
     *
     * @param context this bundle's context
     * @return the headless mode, to {@linkplain #close close} when this bundle stops
     * @throws BundleException if the console bundle cannot be stopped
     */
    static Headless start(BundleContext context) throws BundleException {
        for (Bundle bundle : context.getBundles()) {
            if (ConsoleTerminal.GOGO_JLINE.equals(bundle.getSymbolicName())) {
                bundle.stop(); // persistently: the framework does not start it when its level is reached
            }
        }
        Bundle framework = context.getBundle(0);
        Headless headless = new Headless(() -> {
            try {
                framework.stop();
            } catch (BundleException | RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "goflow: cannot stop the framework: " + e, e);
            }
        }, System::exit);
        for (String name : SIGNALS) {
            try {
                headless.traps.add(Trap.install(name, headless::signal));
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                Throwable cause = e instanceof InvocationTargetException t ? t.getCause() : e;
                LOG.log(System.Logger.Level.WARNING, "goflow: cannot handle SIG" + name + " (" + cause
                        + "); it ends the JVM without stopping the framework");
            }
        }
        LOG.log(System.Logger.Level.INFO, "goflow: headless (" + PROPERTY + "=true): no shell; SIGTERM or SIGINT"
                + " stops the container");
        return headless;
    }

    /**
     * A signal arrived: the first stops the framework, a later one ends the JVM at once.
     *
     * @param name the signal's name, e.g. {@code TERM}
     * @param number the signal's number
     */
    void signal(String name, int number) {
        if (signalled.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.INFO, "goflow: SIG" + name + ": stopping the container");
            stop.run();
        } else {
            LOG.log(System.Logger.Level.WARNING, "goflow: SIG" + name + " again while stopping: exiting now");
            exit.accept(128 + number);
        }
    }

    /** How many signals are trapped now. */
    int trapped() {
        return traps.size();
    }

    /** Puts the JVM's handlers of the trapped signals back. */
    @Override
    public void close() {
        for (Trap trap : traps) {
            trap.close();
        }
        traps.clear();
    }

    /**
     * One signal's handler, set through {@code sun.misc.Signal} by reflection (the class is in module
     * {@code jdk.unsupported}, which every JDK has; compiling against it would be a warning that
     * cannot be suppressed).
     *
     * <p>Not thread-safe: installed and closed by one thread.
     */
    static final class Trap implements AutoCloseable {
        private final Method handle;
        private final Object signal;
        private final Object previous;

        private Trap(Method handle, Object signal, Object previous) {
            this.handle = handle;
            this.signal = signal;
            this.previous = previous;
        }

        /**
         * Replaces the handler of signal {@code name}.
         *
         * @param name the signal's name without {@code SIG}, e.g. {@code TERM}
         * @param handler called with the name and the number on the JVM's signal thread
         * @return the trap, to close
         * @throws ReflectiveOperationException if {@code sun.misc.Signal} is missing, or refuses the
         *         signal (an {@link InvocationTargetException} with its reason, e.g. under {@code -Xrs})
         */
        static Trap install(String name, SignalListener handler) throws ReflectiveOperationException {
            ClassLoader system = ClassLoader.getSystemClassLoader();
            Class<?> signalClass = Class.forName("sun.misc.Signal", true, system);
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler", true, system);
            Object signal = signalClass.getConstructor(String.class).newInstance(name);
            int number = (Integer) signalClass.getMethod("getNumber").invoke(signal);
            Object proxy = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass},
                    (self, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            handler.signalled(name, number);
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(self);
                        case "equals" -> self == args[0];
                        case "toString" -> "goflow SIG" + name + " handler";
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Object previous = handle.invoke(null, signal, proxy);
            return new Trap(handle, signal, previous);
        }

        /**
         * Raises the signal in this JVM (for tests).
         *
         * @throws ReflectiveOperationException if it cannot be raised
         */
        void raise() throws ReflectiveOperationException {
            signal.getClass().getMethod("raise", signal.getClass()).invoke(null, signal);
        }

        /** Puts the previous handler back. */
        @Override
        public void close() {
            try {
                handle.invoke(null, signal, previous);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "goflow: cannot restore the JVM's handler of " + signal + ": " + e);
            }
        }
    }

    /** What a trapped signal calls. */
    @FunctionalInterface
    interface SignalListener {
        /**
         * A signal arrived.
         *
         * @param name its name, e.g. {@code TERM}
         * @param number its number, e.g. 15
         */
        void signalled(String name, int number);
    }
}
