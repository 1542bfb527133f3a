package goflow.api.channel;

import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.ClosedException;
import goflow.api.Primitive;
import goflow.api.context.Context;
import goflow.api.context.ContextException;

/**
 * A bounded FIFO channel between threads with a fixed capacity and an {@link OverflowStrategy} that
 * decides what a send into a full channel does. Created by {@link goflow.api.GoFlow#channel()}:
 *
 * <pre>{@code
 * BackpressureChannel<String> ch = goflow.<String>channel()
 *         .name("events").capacity(1_000).strategy(OverflowStrategy.DROP_OLDEST)
 *         .onDrop(e -> droppedEvents.increment())
 *         .build();
 * ch.send(ctx, "hello");            // producer
 * String e = ch.receive(ctx);       // consumer: FIFO order
 * }</pre>
 *
 * <p><b>Closing.</b> {@link #close()} refuses further sends ({@link ClosedException}) and wakes
 * every waiter: blocked senders fail with {@link ClosedException}, while receivers keep draining the
 * values still buffered ({@link #receive} and {@link #tryReceive} alike) and get a
 * {@link ClosedException} only once the channel is closed <em>and</em> empty.
 *
 * <p><b>Dropping.</b> Every value dropped by {@link OverflowStrategy#DROP_NEWEST} or
 * {@link OverflowStrategy#DROP_OLDEST} is passed to the builder's {@link ChannelBuilder#onDrop drop
 * callback}, through {@code send} and {@code trySend} alike. The callback runs on the sending thread
 * after the channel's lock is released, so it may call back into the channel; an exception it
 * throws is logged and does not fail the send.
 *
 * <p><b>Values.</b> {@code null} values are refused with a {@link NullPointerException}.
 *
 * <p>Thread-safe: any number of threads may send and receive concurrently. Actions of a thread
 * before it sends a value happen-before the actions of the thread that receives that value.
 * {@link #stats()} never blocks behind a waiting sender or receiver.
 *
 * @param <T> the type of the values
 */
@ProviderType
public interface BackpressureChannel<T> extends Primitive {

    /**
     * Sends a value, applying the channel's {@link #strategy()} if it is full: {@link OverflowStrategy#BLOCK}
     * waits for room; {@link OverflowStrategy#DROP_NEWEST} drops {@code value};
     * {@link OverflowStrategy#DROP_OLDEST} drops the oldest buffered value and enqueues {@code value};
     * {@link OverflowStrategy#ERROR} throws {@link ChannelFullException}.
     *
     * @param ctx cancels a blocked send; checked before anything else under every strategy
     * @param value the value, not {@code null}
     * @return {@code true} if {@code value} was enqueued, {@code false} if it was dropped
     *     ({@link OverflowStrategy#DROP_NEWEST} on a full channel)
     * @throws ClosedException if the channel is closed, or is closed while this call waits
     * @throws ChannelFullException if the channel is full and the strategy is {@link OverflowStrategy#ERROR}
     * @throws ContextException if {@code ctx} is done before the value is enqueued
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    boolean send(Context ctx, T value) throws InterruptedException;

    /**
     * Sends a value without ever waiting. On a full channel: {@link OverflowStrategy#DROP_NEWEST}
     * drops {@code value} and returns {@code false}; {@link OverflowStrategy#DROP_OLDEST} drops the
     * oldest value, enqueues {@code value} and returns {@code true}; {@link OverflowStrategy#BLOCK}
     * and {@link OverflowStrategy#ERROR} leave the channel unchanged and return {@code false}.
     *
     * @param value the value, not {@code null}
     * @return {@code true} if {@code value} was enqueued
     * @throws ClosedException if the channel is closed
     */
    boolean trySend(T value);

    /**
     * Takes the oldest value, waiting while the channel is empty and open. A closed channel still
     * hands out the values it holds.
     *
     * @param ctx cancels the wait; a context that is already done fails the call at once
     * @return the oldest value
     * @throws ClosedException if the channel is closed and empty
     * @throws ContextException if {@code ctx} is done before a value is available
     * @throws InterruptedException if the thread is interrupted while waiting
     */
    T receive(Context ctx) throws InterruptedException;

    /**
     * Takes the oldest value if there is one, without waiting. A closed channel still hands out the
     * values it holds.
     *
     * @return the oldest value, or empty if the channel is empty and open
     * @throws ClosedException if the channel is closed and empty
     */
    Optional<T> tryReceive();

    /**
     * Closes the channel: sends are refused from now on, blocked senders fail with
     * {@link ClosedException}, and receivers drain the remaining values. Idempotent.
     */
    @Override
    void close();

    /**
     * Returns whether {@link #close()} was called.
     *
     * @return {@code true} once closed
     */
    boolean isClosed();

    /**
     * Returns whether the channel is closed and empty, so no value will ever be received again.
     *
     * @return {@code true} once closed and drained
     */
    boolean isDrained();

    /**
     * Returns how many values are buffered now.
     *
     * @return the current size, between 0 and {@link #capacity()}
     */
    int size();

    /**
     * Returns the fixed capacity.
     *
     * @return the capacity, at least 1
     */
    int capacity();

    /**
     * Returns the strategy applied to sends into a full channel.
     *
     * @return the strategy
     */
    OverflowStrategy strategy();

    /**
     * Returns a consistent snapshot of the counters; it never waits for a blocked sender or receiver.
     *
     * @return the statistics
     */
    @Override
    ChannelStats stats();
}
