package goflow.api.io;

import java.io.IOException;
import java.io.Serial;

import goflow.api.GoFlowException;

/**
 * Thrown by {@link AsyncWriter#flush} (and passed to the error callback) when writing to the
 * underlying output failed on every attempt of a flush; the cause is the last {@link IOException}
 * (a throwable of the output that is not one arrives wrapped in one). The bytes that could not be
 * written stay buffered and are retried by the next flush, except when the writer is closing,
 * which gives up and discards them. Also thrown by {@link AsyncWriter#close(java.time.Duration)}
 * (and passed to the error callback) when closing left accepted bytes unwritten: the message says
 * how many and why; the cause is then the last failure, or an {@link java.io.InterruptedIOException}
 * when the output did not return in time. {@code close(Duration)} also throws it when every byte
 * reached the output but the output's final flush failed (its cause the last failure of that flush).
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class WriteFailedException extends GoFlowException {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the writer and the number of attempts
     * @param cause the last failure of the output
     */
    public WriteFailedException(String message, IOException cause) {
        super(message, cause);
    }
}
