package goflow.api.schedule;

import java.time.Duration;

import goflow.api.InvalidConfigException;

/**
 * Retry with exponential backoff for a one-shot task: when a run fails, it is run again up to
 * {@code maxRetries} times; retry {@code k} (1-based) starts
 * {@code min(initialDelay * multiplier^(k-1), maxDelay)} after the failed run ended, so the first
 * retry waits exactly {@code initialDelay}. A run that ends because its task was cancelled or the
 * scheduler stopped is not retried.
 *
 * @param maxRetries how many retries after the first run, zero or more
 * @param initialDelay the wait before the first retry, positive
 * @param maxDelay the longest wait, at least {@code initialDelay}
 * @param multiplier the growth factor of the wait, at least 1
 */
public record Backoff(int maxRetries, Duration initialDelay, Duration maxDelay, double multiplier) {

    /**
     * Validates the components.
     *
     * @param maxRetries how many retries after the first run, zero or more
     * @param initialDelay the wait before the first retry, positive
     * @param maxDelay the longest wait, at least {@code initialDelay}
     * @param multiplier the growth factor of the wait, at least 1
     * @throws InvalidConfigException naming the rejected component
     */
    public Backoff {
        if (maxRetries < 0) {
            throw new InvalidConfigException("backoff", "maxRetries", maxRetries, "must not be negative", "");
        }
        if (initialDelay == null || initialDelay.isZero() || initialDelay.isNegative()) {
            throw new InvalidConfigException("backoff", "initialDelay", initialDelay, "must be positive", "");
        }
        if (maxDelay == null || maxDelay.compareTo(initialDelay) < 0) {
            throw new InvalidConfigException("backoff", "maxDelay", maxDelay, "must be at least initialDelay",
                    "initialDelay is " + initialDelay);
        }
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new InvalidConfigException("backoff", "multiplier", multiplier, "must be a finite number >= 1", "");
        }
    }

    /**
     * Returns a backoff that doubles the wait after each retry.
     *
     * @param maxRetries how many retries after the first run, zero or more
     * @param initialDelay the wait before the first retry, positive
     * @param maxDelay the longest wait, at least {@code initialDelay}
     * @return the backoff
     */
    public static Backoff exponential(int maxRetries, Duration initialDelay, Duration maxDelay) {
        return new Backoff(maxRetries, initialDelay, maxDelay, 2.0);
    }

    /**
     * Returns the wait before retry {@code retry}.
     *
     * @param retry the retry number, 1 for the first retry
     * @return {@code min(initialDelay * multiplier^(retry-1), maxDelay)}
     * @throws IllegalArgumentException if {@code retry} is less than 1
     */
    public Duration delayBefore(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry must be at least 1: " + retry);
        }
        double nanos = nanos(initialDelay) * Math.pow(multiplier, retry - 1);
        if (nanos >= nanos(maxDelay)) {
            return maxDelay;
        }
        return Duration.ofNanos(Math.round(nanos));
    }

    private static double nanos(Duration d) {
        return d.getSeconds() * 1e9 + d.getNano();
    }
}
