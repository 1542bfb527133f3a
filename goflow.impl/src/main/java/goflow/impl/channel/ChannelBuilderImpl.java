package goflow.impl.channel;

import java.util.function.Consumer;

import goflow.api.Primitive;
import goflow.api.channel.BackpressureChannel;
import goflow.api.channel.ChannelBuilder;
import goflow.api.channel.OverflowStrategy;
import goflow.impl.internal.Check;
import goflow.impl.internal.PrimitiveRegistry;

/**
 * Builds {@link ChannelImpl}s. Not thread-safe (like every builder).
 *
 * @param <T> the value type
 */
public final class ChannelBuilderImpl<T> implements ChannelBuilder<T> {
    private static final String COMPONENT = Primitive.Kind.CHANNEL.label();

    private final PrimitiveRegistry registry;
    private String name;
    private boolean capacitySet;
    private int capacity = DEFAULT_CAPACITY;
    private OverflowStrategy strategy;
    private Consumer<? super T> onDrop;

    /**
     * Creates a builder.
     *
     * @param registry where the channel is listed
     */
    public ChannelBuilderImpl(PrimitiveRegistry registry) {
        this.registry = registry;
    }

    @Override
    public ChannelBuilderImpl<T> name(String name) {
        Check.setOnce(COMPONENT, "name", this.name != null, name);
        this.name = Check.name(COMPONENT, name);
        return this;
    }

    @Override
    public ChannelBuilderImpl<T> capacity(int capacity) {
        Check.setOnce(COMPONENT, "capacity", capacitySet, capacity);
        Check.positive(COMPONENT, "capacity", capacity, "the number of values the channel buffers");
        this.capacity = capacity;
        this.capacitySet = true;
        return this;
    }

    @Override
    public ChannelBuilderImpl<T> strategy(OverflowStrategy strategy) {
        Check.setOnce(COMPONENT, "strategy", this.strategy != null, strategy);
        this.strategy = Check.notNull(COMPONENT, "strategy", strategy);
        return this;
    }

    @Override
    public ChannelBuilderImpl<T> onDrop(Consumer<? super T> onDrop) {
        Check.setOnce(COMPONENT, "onDrop", this.onDrop != null, onDrop);
        this.onDrop = Check.notNull(COMPONENT, "onDrop", onDrop);
        return this;
    }

    @Override
    public BackpressureChannel<T> build() {
        PrimitiveRegistry.Entry entry = registry.reserve(Primitive.Kind.CHANNEL, name);
        try {
            OverflowStrategy s = strategy == null ? OverflowStrategy.BLOCK : strategy;
            return entry.activate(new ChannelImpl<T>(entry.name(), capacity, s, onDrop, entry));
        } catch (RuntimeException | Error e) {
            entry.release();
            throw e;
        }
    }
}
