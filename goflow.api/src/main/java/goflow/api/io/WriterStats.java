package goflow.api.io;

import goflow.api.inspect.Stats;

/**
 * A consistent snapshot of an {@link AsyncWriter}'s counters, taken at one instant, so
 * {@code bytesAccepted == bytesWritten + bytesPending + bytesDiscarded} holds in every snapshot.
 *
 * @param bytesAccepted bytes accepted by write calls
 * @param bytesWritten bytes the underlying output accepted
 * @param bytesPending bytes accepted but not yet written (buffered now)
 * @param bytesDiscarded bytes given up when closing because the output kept failing or did not
 *     return in time (see {@link AsyncWriter#close(java.time.Duration)}), or because the background
 *     thread failed
 * @param flushes flushes that wrote bytes and flushed the output successfully
 * @param errors failed attempts to write to or flush the output (each retry that fails counts,
 *     whatever the output threw), and a failure of the background thread itself
 * @param overflows writes refused with {@link BufferFullException}, or {@code tryWrite} calls
 *     that returned {@code false}
 * @param capacity the fixed buffer capacity in bytes
 * @param closed whether the writer is closed
 */
public record WriterStats(long bytesAccepted, long bytesWritten, long bytesPending, long bytesDiscarded,
        long flushes, long errors, long overflows, int capacity, boolean closed) implements Stats {
}
