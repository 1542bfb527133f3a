package goflow.api.ratelimit;

import goflow.api.inspect.Stats;

/**
 * A snapshot of a {@link ConcurrencyLimiter}. The current figures are read together, so
 * {@code inUse + available == capacity} holds within one snapshot.
 *
 * @param capacity the capacity
 * @param inUse the permits held
 * @param available the permits that can be taken, negative after a shrink below use
 * @param waiting threads waiting in {@code acquire}
 * @param fair whether permits are granted in arrival order
 * @param acquired successful acquisitions ({@code tryAcquire} and {@code acquire}) since creation
 * @param rejected {@code tryAcquire} calls that returned false
 * @param waited {@code acquire} calls that had to wait
 * @param cancelled waits that ended without permits (context done, interrupt or close)
 */
public record ConcurrencyLimiterStats(int capacity, int inUse, int available, int waiting, boolean fair,
        long acquired, long rejected, long waited, long cancelled) implements Stats {
}
