package goflow.api.channel;

/**
 * What a {@link BackpressureChannel} does with a send when it is full.
 *
 * <p>Every strategy applies to {@link BackpressureChannel#send}; {@link BackpressureChannel#trySend}
 * never waits, so under {@link #BLOCK} and {@link #ERROR} it returns {@code false} instead.
 */
public enum OverflowStrategy {
    /** {@code send} waits until there is room, the channel is closed or the context is done. */
    BLOCK,
    /** The value being sent is dropped (and passed to the drop callback); the channel is unchanged. */
    DROP_NEWEST,
    /** The oldest buffered value is dropped (and passed to the drop callback) to make room. */
    DROP_OLDEST,
    /** {@code send} fails at once with a {@link ChannelFullException}. */
    ERROR
}
