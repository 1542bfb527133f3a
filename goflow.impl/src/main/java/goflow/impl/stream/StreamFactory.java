package goflow.impl.stream;

import java.lang.invoke.MethodType;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.GoFlowException;
import goflow.api.channel.BackpressureChannel;
import goflow.api.stream.Stream;
import goflow.api.stream.StreamSource;
import goflow.api.stream.StreamSources;
import goflow.api.stream.Streams;
import goflow.impl.internal.Check;

/**
 * Creates the streams of one goflow instance and owns its {@link SourceRegistry}. Streams are
 * named {@code stream-<n>}, or after their named source ({@code <source>-<n>}); the name appears
 * in error messages and thread names. Thread-safe: the counter is atomic, the rest final.
 */
public final class StreamFactory implements Streams {
    private static final String COMPONENT = StreamImpl.COMPONENT;

    private final Supplier<Clock> clock;
    private final BooleanSupplier goflowClosed;
    private final SourceRegistry sources = new SourceRegistry();
    private final AtomicLong ids = new AtomicLong();

    /**
     * Creates the factory.
     *
     * @param clock the clock streams use (read when each stream is created)
     * @param goflowClosed whether the owning goflow instance was closed
     */
    public StreamFactory(Supplier<Clock> clock, BooleanSupplier goflowClosed) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.goflowClosed = Objects.requireNonNull(goflowClosed, "goflowClosed");
    }

    /**
     * Returns the registry of named sources.
     *
     * @return the registry
     */
    public StreamSources sources() {
        return sources;
    }

    private ChainState newShared(String prefix) {
        if (goflowClosed.getAsBoolean()) {
            throw new ClosedException("goflow is closed: cannot create a stream");
        }
        return new ChainState(prefix, ids.incrementAndGet(), clock.get());
    }

    @Override
    public <T> Stream<T> of(Iterable<? extends T> elements) {
        Check.notNull(COMPONENT, "elements", elements);
        return new StreamImpl<>(newShared("stream"), new Sources.OfIterable<>(elements));
    }

    @Override
    public <T> Stream<T> fromIterator(Iterator<? extends T> iterator) {
        Check.notNull(COMPONENT, "iterator", iterator);
        ChainState shared = newShared("stream");
        if (iterator instanceof AutoCloseable closeable) {
            shared.addSourceHook(closeable);
        }
        return new StreamImpl<>(shared, new Sources.OfIterator<>(iterator));
    }

    @Override
    public <T> Stream<T> fromStream(java.util.stream.Stream<? extends T> stream) {
        Check.notNull(COMPONENT, "stream", stream);
        ChainState shared = newShared("stream");
        shared.addSourceHook(stream);
        return new StreamImpl<>(shared, new Sources.OfJavaStream<>(stream));
    }

    @Override
    public <T> Stream<T> generate(Supplier<? extends T> generator) {
        Check.notNull(COMPONENT, "generator", generator);
        return new StreamImpl<>(newShared("stream"), new Sources.Generate<>(generator));
    }

    @Override
    public <T> Stream<T> empty() {
        return new StreamImpl<>(newShared("stream"), new Sources.Empty<>());
    }

    @Override
    public <T> Stream<T> fromChannel(BackpressureChannel<? extends T> channel) {
        Check.notNull(COMPONENT, "channel", channel);
        return new StreamImpl<>(newShared("stream"), new Sources.OfChannel<>(channel));
    }

    @Override
    public <T> Stream<T> fromSource(StreamSource<? extends T> source) {
        Check.notNull(COMPONENT, "source", source);
        ChainState shared = newShared("stream");
        return new StreamImpl<>(shared, new Sources.OfSource<>(shared, source));
    }

    @Override
    public <T> Stream<T> named(String name, Class<T> type) {
        Check.notNull(COMPONENT, "name", name);
        Check.notNull(COMPONENT, "type", type);
        ChainState shared = newShared(name); // first: a closed goflow says so, whatever the name
        StreamSource<?> source = sources.open(name, clock.get()).orElseThrow(() -> new GoFlowException(
                "no stream source named '" + name + "'; registered sources: " + sources.names()
                        + " (in OSGi, a StreamSource service with property " + StreamSource.NAME_PROPERTY + "="
                        + name + ")"));
        StreamNode<Object> raw = new Sources.OfSource<>(shared, source);
        Class<T> expected = wrapper(type);
        return new StreamImpl<>(shared, new ElementOps.Map<>(raw, element -> {
            if (element != null && !expected.isInstance(element)) {
                throw new ClassCastException("stream source '" + name + "' produced a "
                        + element.getClass().getName() + ", not the expected " + expected.getName());
            }
            return expected.cast(element);
        }));
    }

    /**
     * The class elements are checked against: a primitive type's wrapper ({@code int.class} is a
     * {@code Class<Integer>}, and no object is an instance of it), otherwise the type itself.
     */
    @SuppressWarnings("unchecked")
    private static <T> Class<T> wrapper(Class<T> type) {
        return type.isPrimitive() ? (Class<T>) MethodType.methodType(type).wrap().returnType() : type;
    }

    @Override
    public String toString() {
        return "Streams[created=" + ids.get() + ", sources=" + sources.names() + "]";
    }
}
