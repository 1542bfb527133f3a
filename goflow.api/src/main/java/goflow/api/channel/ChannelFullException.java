package goflow.api.channel;

import java.io.Serial;

import goflow.api.GoFlowException;

/**
 * Thrown by {@link BackpressureChannel#send} on a full channel whose strategy is
 * {@link OverflowStrategy#ERROR}. The value was not enqueued.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class ChannelFullException extends GoFlowException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the channel and its capacity
     */
    public ChannelFullException(String message) {
        super(message);
    }
}
