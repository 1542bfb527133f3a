package goflow.impl.internal;

import java.time.Duration;

/**
 * The one conversion of a {@link Duration} to nanoseconds in goflow.impl: saturating, so that a
 * duration too long for a {@code long} of nanoseconds (292 years) means "never" instead of an
 * {@link ArithmeticException}, and so that a clock reading plus the result cannot overflow into the
 * past when deadlines are compared as {@code deadline - now < 0}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Durations {
    /**
     * The longest wait goflow computes with, about 73 years ({@code Long.MAX_VALUE / 4}): a
     * duration at least this long is "never" in practice, and a {@code System.nanoTime()} reading
     * plus or minus it stays comparable with other readings.
     */
    public static final long FAR_NANOS = Long.MAX_VALUE / 4;

    private Durations() {
    }

    /**
     * Converts to nanoseconds, clamped to [{@code -FAR_NANOS}, {@link #FAR_NANOS}].
     *
     * @param d a duration, any length or sign
     * @return its nanoseconds, saturated
     */
    public static long toNanosSaturated(Duration d) {
        if (d.getSeconds() >= FAR_NANOS / 1_000_000_000L) {
            return FAR_NANOS;
        }
        if (d.getSeconds() <= -FAR_NANOS / 1_000_000_000L) {
            return -FAR_NANOS;
        }
        return d.toNanos();
    }
}
