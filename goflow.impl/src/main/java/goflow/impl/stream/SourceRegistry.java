package goflow.impl.stream;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import goflow.api.InvalidConfigException;
import goflow.api.Registration;
import goflow.api.stream.StreamSource;
import goflow.api.stream.StreamSources;
import goflow.impl.internal.Check;

/**
 * The named stream sources of one goflow instance. Thread-safe: a concurrent map from name to
 * source; registering uses {@code putIfAbsent}, removing uses {@code remove(name, source)} so a
 * stale registration never removes a newer source of the same name.
 */
public final class SourceRegistry implements StreamSources {
    private static final String COMPONENT = "stream-source";

    private final Map<String, StreamSource<?>> sources = new ConcurrentHashMap<>();

    @Override
    public Registration register(String name, StreamSource<?> source) {
        Check.name(COMPONENT, name);
        Check.notNull(COMPONENT, "source", source);
        if (sources.putIfAbsent(name, source) != null) {
            throw new InvalidConfigException(COMPONENT, "name", name, "must be unique among registered sources",
                    "unregister the source that has it first, or choose another name");
        }
        return () -> sources.remove(name, source);
    }

    @Override
    public Optional<StreamSource<?>> find(String name) {
        return name == null ? Optional.empty() : Optional.ofNullable(sources.get(name));
    }

    @Override
    public Set<String> names() {
        return Collections.unmodifiableSet(new TreeSet<>(sources.keySet()));
    }

    @Override
    public String toString() {
        return "StreamSources" + names();
    }
}
