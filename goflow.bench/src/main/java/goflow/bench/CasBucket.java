package goflow.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The floor for a token bucket: one clock read and one CAS on a long holding the theoretical
 * arrival time (GCRA), nothing else (no statistics, no epochs, no closed check). Thread-safe.
 */
final class CasBucket {
    private final long interval;
    private final long burstNanos;
    private final AtomicLong tat;

    CasBucket(double ratePerSecond, long burst) {
        this.interval = Math.max(1, (long) (1e9 / ratePerSecond));
        this.burstNanos = interval * burst;
        this.tat = new AtomicLong(System.nanoTime() - burstNanos);
    }

    boolean tryAcquire() {
        long now = System.nanoTime();
        while (true) {
            long t = tat.get();
            long next = Math.max(t, now - burstNanos) + interval;
            if (next - now > 0) {
                return false;
            }
            if (tat.compareAndSet(t, next)) {
                return true;
            }
        }
    }
}
