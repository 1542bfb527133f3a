package goflow.redis.internal;

/**
 * The local token bucket of {@link goflow.redis.FailurePolicy#LOCAL}: a share of the fleet's rate
 * and burst on this node, on the limiter's clock, used only while Redis cannot answer. It starts
 * full. Rate and burst are passed with each call (the fleet's last known values times the share),
 * so a change of the fleet's limit reaches it too.
 *
 * <p>Thread-safe: all state is guarded by this object's monitor.
 */
final class LocalBucket {
    /** Guarded by this. */
    private double tokens = Double.NaN;
    private long last;
    private long lastUsed;
    /** The time to act of the latest reservation: later ones build on those before. */
    private long lastAct;

    private void refill(long now, double rate, double burst) {
        if (Double.isNaN(tokens)) {
            tokens = burst;
        } else if (now > last && rate > 0) {
            tokens = Math.min(burst, tokens + (now - last) * rate / 1e9);
        } else {
            tokens = Math.min(burst, tokens);
        }
        last = now;
        lastUsed = now;
    }

    /** Takes n tokens if they are there. */
    synchronized boolean allow(long now, long n, double rate, double burst) {
        refill(now, rate, burst);
        if (Double.isInfinite(rate)) {
            return true;
        }
        if (tokens + 1e-9 >= n) {
            tokens -= n;
            return true;
        }
        return false;
    }

    /**
     * Takes n tokens now, into debt, if the wait is at most {@code maxWaitNanos}.
     *
     * @return the wait in nanoseconds, or -1 when it would be longer (nothing taken) or never; a
     *     wait beyond {@link Long#MAX_VALUE} ns (a tiny rate) is longer than any {@code maxWaitNanos}
     */
    synchronized long reserve(long now, long n, double rate, double burst, long maxWaitNanos) {
        refill(now, rate, burst);
        if (Double.isInfinite(rate)) {
            return 0;
        }
        if (n > burst || (rate <= 0 && tokens + 1e-9 < n)) {
            return -1;
        }
        double missing = n - tokens;
        double wait = missing <= 1e-9 ? 0 : Math.ceil(missing * 1e9 / rate);
        // (double) Long.MAX_VALUE is 2^63: a wait that large does not fit a long (a cast would saturate
        // it to Long.MAX_VALUE, which passes a maxWaitNanos of Long.MAX_VALUE: a wait of 292 years)
        if (wait >= Long.MAX_VALUE || wait > maxWaitNanos) {
            return -1;
        }
        tokens -= n;
        lastAct = now + (long) wait;
        return (long) wait;
    }

    /**
     * Gives back the n tokens of a cancelled reservation acting at {@code timeToAct}, less those that
     * later reservations build on (as golang.org/x/time/rate's cancel), up to the burst.
     */
    synchronized void refund(long now, long n, double rate, double burst, long timeToAct) {
        refill(now, rate, burst);
        long builtOn = Math.max(0, lastAct - timeToAct); // nanoseconds of later reservations
        double back = builtOn == 0 || rate <= 0 ? n : n - builtOn * rate / 1e9;
        if (back <= 0) {
            return;
        }
        tokens = Math.min(burst, tokens + back);
        if (timeToAct == lastAct && rate > 0) {
            // the latest reservation gave back its tokens: the one before it is the latest again
            long before = timeToAct - (long) Math.ceil(back * 1e9 / rate);
            if (before - now >= 0) {
                lastAct = before;
            }
        }
    }

    synchronized double tokens(long now, double rate, double burst) {
        refill(now, rate, burst);
        return tokens;
    }

    /** Whether it was unused since {@code idleSince} and is full again (forgetting it changes nothing). */
    synchronized boolean idle(long now, long idleNanos, double rate, double burst) {
        if (now - lastUsed < idleNanos) {
            return false;
        }
        long used = lastUsed;
        refill(now, rate, burst);
        lastUsed = used;
        return tokens >= burst - 1e-9;
    }
}
