package goflow.redis.internal;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Round-trip times of the recent successful calls, for p50 and p99: a histogram of 5 % wide buckets
 * from 1 µs to ~5 minutes, over the current and the previous minute (so a figure reflects at least
 * the last minute and at most the last two).
 *
 * <p>Thread-safe: counts are atomic; the rotation of the two windows happens under this object's
 * monitor, and a count that lands in a window being rotated out is simply lost.
 */
final class RoundTrips {
    private static final int BUCKETS = 400;
    private static final double STEP = Math.log(1.05);
    private static final long WINDOW_NANOS = Duration.ofMinutes(1).toNanos();

    private volatile AtomicLongArray current = new AtomicLongArray(BUCKETS);
    private volatile AtomicLongArray previous = new AtomicLongArray(BUCKETS);
    /** When {@link #current} started (System.nanoTime). Written under this object's monitor. */
    private volatile long windowStart = System.nanoTime();

    void record(long nanos) {
        rotateIfDue();
        int i = (int) (Math.log(Math.max(nanos, 1_000) / 1_000.0) / STEP);
        current.incrementAndGet(Math.min(i, BUCKETS - 1));
    }

    private void rotateIfDue() {
        long now = System.nanoTime();
        if (now - windowStart < WINDOW_NANOS) {
            return;
        }
        synchronized (this) {
            if (now - windowStart >= WINDOW_NANOS) {
                previous = now - windowStart >= 2 * WINDOW_NANOS ? new AtomicLongArray(BUCKETS) : current;
                current = new AtomicLongArray(BUCKETS);
                windowStart = now;
            }
        }
    }

    /**
     * Returns the round-trip time below which {@code fraction} of the recent calls were.
     *
     * @param fraction e.g. 0.5 or 0.99
     * @return the time, or zero when no call was recorded
     */
    Duration percentile(double fraction) {
        rotateIfDue();
        AtomicLongArray a = current;
        AtomicLongArray b = previous;
        long[] counts = new long[BUCKETS];
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] = a.get(i) + b.get(i);
            total += counts[i];
        }
        if (total == 0) {
            return Duration.ZERO;
        }
        long rank = (long) Math.ceil(fraction * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Duration.ofNanos((long) (1_000 * Math.exp((i + 0.5) * STEP)));
            }
        }
        return Duration.ofNanos((long) (1_000 * Math.exp(BUCKETS * STEP)));
    }
}
