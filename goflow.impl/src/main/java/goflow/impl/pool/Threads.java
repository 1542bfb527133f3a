package goflow.impl.pool;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ThreadFactory;

/**
 * Thread factories for workers: platform daemon threads, or virtual threads when the running JVM
 * has them ({@code Thread.ofVirtual()}, looked up reflectively: the baseline is Java 17).
 * Stateless apart from the one-time lookup.
 */
final class Threads {
    /** {@code Thread.ofVirtual().factory()} when available, else null. */
    private static final ThreadFactory VIRTUAL = lookupVirtual();

    private Threads() {
    }

    /** Platform daemon threads; the pool names them. */
    static ThreadFactory platform() {
        return r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Returns the virtual thread factory, or null when the JVM has no virtual threads.
     *
     * @return the factory or null
     */
    static ThreadFactory virtualOrNull() {
        return VIRTUAL;
    }

    private static ThreadFactory lookupVirtual() {
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            Class<?> builderType = Class.forName("java.lang.Thread$Builder");
            MethodHandle ofVirtual = lookup.findStatic(Thread.class, "ofVirtual",
                    MethodType.methodType(Class.forName("java.lang.Thread$Builder$OfVirtual")));
            MethodHandle factory = lookup.findVirtual(builderType, "factory",
                    MethodType.methodType(ThreadFactory.class));
            Object builder = ofVirtual.invoke();
            return (ThreadFactory) factory.invoke(builder);
        } catch (Throwable unavailable) {
            // Java 17 to 20 (or preview-only 19/20): no virtual threads.
            return null;
        }
    }
}
