package goflow.api.channel;

import goflow.api.inspect.Stats;

/**
 * A consistent snapshot of a {@link BackpressureChannel}'s counters, all taken at one instant, so
 * {@code sent == received + dropped + size} holds in every snapshot.
 *
 * @param sent values the channel took over: enqueued, or dropped at once by
 *     {@link OverflowStrategy#DROP_NEWEST}; refused sends (closed, full under
 *     {@link OverflowStrategy#ERROR}, {@code trySend} returning false, cancelled waits) are not counted
 * @param received values handed to receivers
 * @param dropped values dropped by {@link OverflowStrategy#DROP_NEWEST} or {@link OverflowStrategy#DROP_OLDEST}
 * @param rejected sends refused because the channel was full ({@link ChannelFullException}, or
 *     {@code trySend} returning false under {@link OverflowStrategy#BLOCK} or {@link OverflowStrategy#ERROR})
 * @param blockedSends {@code send} calls that had to wait for room (each counted once)
 * @param size values buffered now
 * @param capacity the fixed capacity
 * @param closed whether the channel is closed
 */
public record ChannelStats(long sent, long received, long dropped, long rejected, long blockedSends,
        int size, int capacity, boolean closed) implements Stats {
}
