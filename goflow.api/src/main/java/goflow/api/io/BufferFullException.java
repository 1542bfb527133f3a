package goflow.api.io;

import java.io.Serial;

import goflow.api.GoFlowException;

/**
 * Thrown when an {@link AsyncWriter} cannot accept a write: the buffer has no room for it and the
 * writer does not block ({@link AsyncWriterBuilder#blockWhenFull(boolean) blockWhenFull(false)}),
 * or the write is larger than the whole buffer. None of the write's bytes were accepted.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class BufferFullException extends GoFlowException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the writer, the size of the write and the room left
     */
    public BufferFullException(String message) {
        super(message);
    }
}
