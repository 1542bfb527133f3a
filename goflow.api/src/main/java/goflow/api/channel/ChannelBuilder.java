package goflow.api.channel;

import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;

/**
 * Configures and creates a {@link BackpressureChannel}; obtained from {@code GoFlow.channel()}.
 * Name the value type at the call:
 *
 * <pre>{@code
 * BackpressureChannel<String> ch = goflow.<String>channel().name("events").capacity(1_000).build();
 * }</pre>
 *
 * <p>Each setter validates its argument at once and may be called only once.
 *
 * <p>Not thread-safe: use a builder from one thread.
 *
 * @param <T> the type of the values
 */
@ProviderType
public interface ChannelBuilder<T> {
    /** The capacity used when {@link #capacity(int)} is not called. */
    int DEFAULT_CAPACITY = 100;

    /**
     * Sets the name shown in the registry; default {@code channel-<n>}.
     *
     * @param name 1 to 128 characters, by {@link goflow.api.GoFlow}'s naming rule (no whitespace, control or
     *     invisible characters, nor {@code , = : " * ?}); unique among live primitives
     * @return this builder
     * @throws InvalidConfigException if the name is invalid or set twice
     */
    ChannelBuilder<T> name(String name);

    /**
     * Sets the fixed capacity; default {@value #DEFAULT_CAPACITY}.
     *
     * @param capacity the number of values the channel buffers, at least 1
     * @return this builder
     * @throws InvalidConfigException if not positive, or set twice
     */
    ChannelBuilder<T> capacity(int capacity);

    /**
     * Sets what a send into a full channel does; default {@link OverflowStrategy#BLOCK}.
     *
     * @param strategy the strategy
     * @return this builder
     * @throws InvalidConfigException if null, or set twice
     */
    ChannelBuilder<T> strategy(OverflowStrategy strategy);

    /**
     * Sets the callback that receives every dropped value (see {@link BackpressureChannel}).
     *
     * @param onDrop called on the sending thread, outside the channel's lock
     * @return this builder
     * @throws InvalidConfigException if null, or set twice
     */
    ChannelBuilder<T> onDrop(Consumer<? super T> onDrop);

    /**
     * Creates the channel and lists it in the registry.
     *
     * @return the new channel
     * @throws InvalidConfigException if the name is taken
     * @throws ClosedException if the {@link goflow.api.GoFlow} is closed
     */
    BackpressureChannel<T> build();
}
