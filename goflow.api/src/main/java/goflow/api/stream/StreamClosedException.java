package goflow.api.stream;

import java.io.Serial;

import goflow.api.ClosedException;

/**
 * Thrown when an operation is applied to a {@link Stream} that can no longer be used: a stream is
 * single use, so once an operation (intermediate or terminal) has been applied to it, or it has been
 * {@link Stream#close() closed}, every further operation on it throws this exception. Also thrown by
 * a terminal operation that was running when another thread closed the stream.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class StreamClosedException extends ClosedException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the stream, the refused operation and what used the stream before
     */
    public StreamClosedException(String message) {
        super(message);
    }
}
