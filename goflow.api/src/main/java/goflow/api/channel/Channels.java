package goflow.api.channel;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.InvalidConfigException;
import goflow.api.context.Context;

/**
 * Utilities that connect {@link BackpressureChannel}s, from {@link goflow.api.GoFlow#channels()}.
 * Each call starts a {@link ChannelLink} that moves values on its own threads (named
 * {@code goflow-channel-<link name>-<n>}) until its sources are closed and drained, its context is
 * cancelled, or it is {@link ChannelLink#close() closed}; then it closes its targets and its threads
 * stop. Sends into targets follow the targets' own {@link OverflowStrategy}, so a full
 * {@link OverflowStrategy#BLOCK BLOCK} target slows the link down (backpressure). A channel may
 * not be both a source and a target of one link (it would feed its own input, which then never
 * drains): that call is refused with an {@link InvalidConfigException} naming the channel.
 *
 * <pre>{@code
 * Channels channels = goflow.channels();
 * try (CancellableContext ctx = Context.background().withCancel()) {
 *     channels.merge(ctx, List.of(orders, refunds), all);       // fan-in
 *     channels.batch(ctx, all, batches, 100, Duration.ofMillis(50));
 *     // ... receive from batches until it is drained
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface Channels {

    /**
     * Fan-in: moves every value of every source into {@code target}, one thread per source. Values
     * from one source keep their order; values from different sources interleave.
     *
     * @param <T> the value type
     * @param ctx cancels the link
     * @param sources the channels to read, at least one, no duplicates
     * @param target receives every value; closed when the link ends
     * @return the running link
     * @throws InvalidConfigException if an argument is null, {@code sources} is empty or
     *     contains {@code target} (a link from a channel into itself)
     */
    <T> ChannelLink merge(Context ctx, List<? extends BackpressureChannel<? extends T>> sources,
            BackpressureChannel<T> target);

    /**
     * Fan-out (work distribution): each value of {@code source} goes to exactly one target, one
     * thread per target taking the next value as soon as its target accepted the previous one, so
     * faster consumers get more. Each target receives its values in source order.
     *
     * @param <T> the value type
     * @param ctx cancels the link
     * @param source the channel to read
     * @param targets the channels to feed, at least one; each is closed when the link ends
     * @return the running link
     * @throws InvalidConfigException if an argument is null, {@code targets} is empty or
     *     contains {@code source} (a link from a channel into itself)
     */
    <T> ChannelLink fanOut(Context ctx, BackpressureChannel<? extends T> source,
            List<? extends BackpressureChannel<? super T>> targets);

    /**
     * Broadcast: every value of {@code source} goes to every target, in target-list order, on one
     * thread. The slowest {@link OverflowStrategy#BLOCK BLOCK} target sets the pace.
     *
     * @param <T> the value type
     * @param ctx cancels the link
     * @param source the channel to read
     * @param targets the channels to feed, at least one; each is closed when the link ends
     * @return the running link
     * @throws InvalidConfigException if an argument is null, {@code targets} is empty or
     *     contains {@code source} (a link from a channel into itself)
     */
    <T> ChannelLink tee(Context ctx, BackpressureChannel<? extends T> source,
            List<? extends BackpressureChannel<? super T>> targets);

    /**
     * Groups the values of {@code source} into lists of at most {@code maxSize}: a batch is sent
     * when it is full, when {@code maxWait} (measured on {@code ctx}'s clock) has passed since its
     * first value arrived, or when the source ends (the last, partial batch). Batches are never
     * empty and keep source order.
     *
     * @param <T> the value type
     * @param ctx cancels the link; its clock measures {@code maxWait}
     * @param source the channel to read
     * @param target receives the batches (unmodifiable lists); closed when the link ends
     * @param maxSize the largest batch, at least 1
     * @param maxWait the longest time a value waits for its batch to fill, positive
     * @return the running link
     * @throws InvalidConfigException if an argument is null or out of range, or
     *     {@code target} is {@code source}
     */
    <T> ChannelLink batch(Context ctx, BackpressureChannel<? extends T> source,
            BackpressureChannel<? super List<T>> target, int maxSize, Duration maxWait);

    /**
     * Moves every value of {@code source} into {@code target}, in order, on one thread.
     *
     * @param <T> the value type
     * @param ctx cancels the link
     * @param source the channel to read
     * @param target receives the values; closed when the link ends
     * @return the running link
     * @throws InvalidConfigException if an argument is null or {@code target} is
     *     {@code source}
     */
    <T> ChannelLink pipe(Context ctx, BackpressureChannel<? extends T> source, BackpressureChannel<? super T> target);

    /**
     * Moves every value of {@code source}, transformed by {@code fn}, into {@code target}, in order,
     * on one thread. If {@code fn} throws or returns {@code null}, the link fails with that error.
     *
     * @param <T> the source value type
     * @param <R> the target value type
     * @param ctx cancels the link
     * @param source the channel to read
     * @param target receives the transformed values; closed when the link ends
     * @param fn the transformation
     * @return the running link
     * @throws InvalidConfigException if an argument is null or {@code target} is
     *     {@code source}
     */
    <T, R> ChannelLink pipe(Context ctx, BackpressureChannel<? extends T> source,
            BackpressureChannel<? super R> target, Function<? super T, ? extends R> fn);
}
