package goflow.impl.jmx;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import goflow.api.Primitive;
import goflow.api.inspect.Stats;
import goflow.impl.internal.PrimitiveRegistry;

/** A primitive that only lives in a registry, with settable statistics (tests of the runtime). */
public final class FakePrimitive implements Primitive {
    private final PrimitiveRegistry.Entry entry;
    private final Kind kind;
    private volatile Map<String, Object> stats;
    /** Thrown by {@link #stats()} when not null: a RuntimeException or an Error. */
    private volatile Throwable statsFailure;

    private FakePrimitive(PrimitiveRegistry.Entry entry, Kind kind, Map<String, Object> stats) {
        this.entry = entry;
        this.kind = kind;
        this.stats = stats;
    }

    /**
     * Creates and lists a fake primitive.
     *
     * @param registry where to list it
     * @param kind its kind
     * @param name its name, or null to generate one
     * @param stats its statistics
     * @return the primitive
     */
    public static FakePrimitive create(PrimitiveRegistry registry, Kind kind, String name, Map<String, Object> stats) {
        PrimitiveRegistry.Entry e = registry.reserve(kind, name);
        return e.activate(new FakePrimitive(e, kind, new LinkedHashMap<>(stats)));
    }

    /**
     * Replaces the statistics.
     *
     * @param stats the new figures
     */
    public void stats(Map<String, Object> stats) {
        this.stats = new LinkedHashMap<>(stats);
    }

    /**
     * Makes {@link #stats()} throw.
     *
     * @param failure what it throws, or null to read the figures again
     */
    public void failStats(RuntimeException failure) {
        this.statsFailure = failure;
    }

    /**
     * Makes {@link #stats()} throw an error.
     *
     * @param failure what it throws
     */
    public void failStats(Error failure) {
        this.statsFailure = failure;
    }

    @Override
    public String name() {
        return entry.name();
    }

    @Override
    public Kind kind() {
        return kind;
    }

    @Override
    public Stats stats() {
        Throwable failure = statsFailure;
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        Map<String, Object> snapshot = Collections.unmodifiableMap(new LinkedHashMap<>(stats));
        return new Stats() {
            @Override
            public Map<String, Object> toMap() {
                return snapshot;
            }
        };
    }

    @Override
    public void close() {
        entry.release();
    }
}
