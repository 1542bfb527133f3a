package goflow.impl.stream;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import goflow.api.Clock;
import goflow.api.InvalidConfigException;
import goflow.api.Registration;
import goflow.api.stream.SourceStats;
import goflow.api.stream.StreamSource;
import goflow.api.stream.StreamSources;
import goflow.impl.internal.Check;

/**
 * The named stream sources of one goflow instance, and the statistics of each name. Thread-safe:
 * concurrent maps from name to source and from name to {@link SourceCounters}; registering uses
 * {@code putIfAbsent}, removing uses {@code remove(name, source)} so a stale registration never
 * removes a newer source of the same name, and each registration removes at most once (the
 * {@link Registration} contract: closing twice does nothing), so a stale one closed again never
 * removes the same source object registered anew under its name. Counters are kept per name and
 * never removed, so they continue when a source is replaced by another of the same name.
 */
public final class SourceRegistry implements StreamSources {
    private static final String COMPONENT = "stream-source";

    private final Map<String, StreamSource<?>> sources = new ConcurrentHashMap<>();
    private final Map<String, SourceCounters> counters = new ConcurrentHashMap<>();

    /** Creates an empty registry. */
    public SourceRegistry() {
        // no source, no counters yet
    }

    @Override
    public Registration register(String name, StreamSource<?> source) {
        return register(name, source, null);
    }

    /**
     * Lists a source under a name, counting its cursors in the given counters (OSGi: counters
     * shared by every goflow instance the plugin source is bound into).
     *
     * @param name the name
     * @param source the source
     * @param shared the counters for the name from now on, or null to keep (or create) this
     *     registry's own
     * @return removes the source again
     * @throws InvalidConfigException as {@link #register(String, StreamSource)}
     */
    public Registration register(String name, StreamSource<?> source, SourceCounters shared) {
        Check.name(COMPONENT, name);
        Check.notNull(COMPONENT, "source", source);
        if (shared != null && !shared.name().equals(name)) {
            throw new IllegalArgumentException("counters of '" + shared.name() + "' given for '" + name + "'");
        }
        if (sources.putIfAbsent(name, source) != null) {
            throw new InvalidConfigException(COMPONENT, "name", name, "must be unique among registered sources",
                    "unregister the source that has it first, or choose another name");
        }
        if (shared != null) {
            counters.put(name, shared);
        } else {
            counters.computeIfAbsent(name, SourceCounters::new);
        }
        AtomicBoolean registered = new AtomicBoolean(true);
        return () -> {
            if (registered.compareAndSet(true, false)) {
                sources.remove(name, source);
            }
        };
    }

    @Override
    public Optional<StreamSource<?>> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(sources.get(name));
    }

    /**
     * Looks a source up by name for a stream: the source, wrapped so that its cursors are counted
     * under the name.
     *
     * @param name the name
     * @param clock the clock of the stream (gives {@code lastOpened})
     * @return the counting source, or empty if none is registered under that name
     */
    Optional<StreamSource<?>> open(String name, Clock clock) {
        StreamSource<?> source = name == null ? null : sources.get(name);
        if (source == null) {
            return Optional.empty();
        }
        return Optional.of(counters.computeIfAbsent(name, SourceCounters::new).counting(source, clock));
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(sources.keySet()));
    }

    @Override
    public Optional<SourceStats> stats(String name) {
        SourceCounters c = name == null ? null : counters.get(name);
        return c == null ? Optional.empty() : Optional.of(c.snapshot(sources.containsKey(name)));
    }

    @Override
    public Map<String, SourceStats> stats() {
        Map<String, SourceStats> m = new TreeMap<>();
        counters.forEach((name, c) -> m.put(name, c.snapshot(sources.containsKey(name))));
        return Collections.unmodifiableMap(m);
    }

    @Override
    public String toString() {
        return "StreamSources" + names();
    }
}
