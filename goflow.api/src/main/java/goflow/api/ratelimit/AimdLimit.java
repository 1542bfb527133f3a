package goflow.api.ratelimit;

import java.time.Duration;

import goflow.api.InvalidConfigException;

/**
 * Additive increase, multiplicative decrease, as TCP's congestion window: at the end of each window,
 * if any call was dropped or the window's average latency exceeded {@code timeout}, the limit is
 * multiplied by {@code backoffRatio}; otherwise, if the calls in flight reached half the limit (the
 * limit is what holds them back), it grows by {@code increase}. It never grows on a window of drops
 * or timeouts, whatever else happened in it.
 *
 * <p>AIMD reacts to drops, not to latency, below {@code timeout}: pick a {@code timeout} a little
 * above the latency the backend has when it is not overloaded (the default, 5 s, is what Netflix's
 * concurrency-limits uses for RPC timeouts).
 *
 * @param backoffRatio the factor applied on a drop or timeout, in (0, 1); default 0.9
 * @param increase what the limit grows by in a window that allowed it, at least 1; default 1
 * @param timeout a window whose average latency is above this counts as a drop; default 5 s
 */
public record AimdLimit(double backoffRatio, int increase, Duration timeout) implements AdaptiveAlgorithm {
    private static final String C = "aimd-limit";

    /**
     * Validates the parameters.
     *
     * @param backoffRatio the factor applied on a drop or timeout
     * @param increase what the limit grows by
     * @param timeout the latency above which a window counts as a drop
     * @throws InvalidConfigException if a parameter is out of range
     */
    public AimdLimit {
        if (!(backoffRatio > 0 && backoffRatio < 1)) {
            throw new InvalidConfigException(C, "backoffRatio", backoffRatio, "must be between 0 and 1 (exclusive)",
                    "the factor the limit is multiplied by on a drop, e.g. 0.9");
        }
        if (increase < 1) {
            throw new InvalidConfigException(C, "increase", increase, "must be at least 1",
                    "what the limit grows by in a window without drops");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new InvalidConfigException(C, "timeout", timeout, "must be positive",
                    "a window whose average latency is above it counts as a drop");
        }
    }

    /**
     * The defaults: backoff 0.9, increase 1, timeout 5 s.
     *
     * @return the default parameters
     */
    public static AimdLimit defaults() {
        return new AimdLimit(0.9, 1, Duration.ofSeconds(5));
    }

    /**
     * The defaults with another timeout.
     *
     * @param timeout a window whose average latency is above it counts as a drop
     * @return the parameters
     */
    public static AimdLimit withTimeout(Duration timeout) {
        return new AimdLimit(0.9, 1, timeout);
    }

    @Override
    public String label() {
        return "aimd";
    }
}
