package goflow.api.ratelimit;

import java.time.Duration;

import goflow.api.InvalidConfigException;

/**
 * A rate of events (or tokens) per second: {@link #ZERO} means nothing is ever added,
 * {@link #UNLIMITED} means everything is admitted at once.
 *
 * <pre>{@code
 * Rate.perSecond(100)                 // 100 events per second
 * Rate.every(Duration.ofMillis(250))  // one event every 250 ms, i.e. 4 per second
 * Rate.of(30, Duration.ofMinutes(1))  // 30 per minute, i.e. 0.5 per second
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param eventsPerSecond the number of events per second: zero, positive, or
 *     {@link Double#POSITIVE_INFINITY} for unlimited; never negative or NaN
 */
public record Rate(double eventsPerSecond) {
    /** No refill at all: only the tokens already in the bucket can be taken. */
    public static final Rate ZERO = new Rate(0);
    /** No limit: every request is admitted at once and nothing is consumed. */
    public static final Rate UNLIMITED = new Rate(Double.POSITIVE_INFINITY);

    /**
     * Validates the rate.
     *
     * @param eventsPerSecond the number of events per second, not negative, not NaN
     * @throws InvalidConfigException if the value is negative or NaN
     */
    public Rate {
        if (Double.isNaN(eventsPerSecond)) {
            throw new InvalidConfigException("rate", "eventsPerSecond", eventsPerSecond, "must be a number, not NaN",
                    "use 0 for no refill, a positive number, or Rate.UNLIMITED");
        }
        if (eventsPerSecond < 0) {
            throw new InvalidConfigException("rate", "eventsPerSecond", eventsPerSecond, "must not be negative",
                    "use 0 for no refill, a positive number, or Rate.UNLIMITED");
        }
    }

    /**
     * Returns a rate of {@code eventsPerSecond} per second.
     *
     * @param eventsPerSecond events per second: 0, positive, or {@link Double#POSITIVE_INFINITY}
     * @return the rate
     * @throws InvalidConfigException if the value is negative or NaN
     */
    public static Rate perSecond(double eventsPerSecond) {
        return new Rate(eventsPerSecond);
    }

    /**
     * Returns the rate of one event every {@code interval} (Go's {@code rate.Every}): 100 ms gives 10
     * per second. A zero interval gives {@link #UNLIMITED}.
     *
     * @param interval the time between two events, zero or positive
     * @return the rate
     * @throws InvalidConfigException if {@code interval} is null or negative
     */
    public static Rate every(Duration interval) {
        if (interval == null) {
            throw new InvalidConfigException("rate", "interval", null, "must not be null",
                    "give the time between two events, e.g. Duration.ofMillis(100)");
        }
        if (interval.isNegative()) {
            throw new InvalidConfigException("rate", "interval", interval, "must not be negative",
                    "give the time between two events; zero means unlimited");
        }
        if (interval.isZero()) {
            return UNLIMITED;
        }
        return new Rate(1e9 / nanosAsDouble(interval));
    }

    /**
     * Returns the rate of {@code events} per {@code period}: {@code of(30, Duration.ofMinutes(1))} is
     * half an event per second.
     *
     * @param events the number of events in one period, zero or positive
     * @param period the period, positive
     * @return the rate
     * @throws InvalidConfigException if {@code events} is negative or {@code period} is null, zero or
     *     negative
     */
    public static Rate of(long events, Duration period) {
        if (events < 0) {
            throw new InvalidConfigException("rate", "events", events, "must not be negative",
                    "give the number of events allowed per period");
        }
        if (period == null || period.isZero() || period.isNegative()) {
            throw new InvalidConfigException("rate", "period", period,
                    period == null ? "must not be null" : "must be positive", "e.g. Duration.ofSeconds(1)");
        }
        return new Rate(events * 1e9 / nanosAsDouble(period));
    }

    /**
     * Returns whether this is {@link #UNLIMITED}.
     *
     * @return {@code true} for an infinite rate
     */
    public boolean isUnlimited() {
        return eventsPerSecond == Double.POSITIVE_INFINITY;
    }

    /**
     * Returns whether this is {@link #ZERO}.
     *
     * @return {@code true} for a rate of zero
     */
    public boolean isZero() {
        return eventsPerSecond == 0;
    }

    /**
     * A duration's nanoseconds as a double, for a rate's arithmetic: never clamped (unlike the
     * contexts' saturated conversion), so a period too long for a long still gives its true, tiny rate.
     */
    private static double nanosAsDouble(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return d.getSeconds() * 1e9 + d.getNano();
        }
    }

    @Override
    public String toString() {
        return isUnlimited() ? "unlimited" : eventsPerSecond + "/s";
    }
}
