package goflow.api.ratelimit;

import goflow.api.InvalidConfigException;

/**
 * TCP Vegas: estimates how many calls wait in the backend's queue from the no-load latency and the
 * current one, {@code queue = limit × (1 − noLoad / latency)}, and keeps that estimate between
 * {@code alpha} and {@code beta} (both scaled by {@code log10(limit)}, as Netflix's VegasLimit does):
 * below {@code alpha} the limit grows by {@code log10(limit)} (at least 1); above {@code beta} the
 * excess is taken out at once, down to the middle of the band, so that a backend that slowed down
 * is relieved within a window or two; a window with drops shrinks it by one step; a window whose
 * calls did not fill half the limit leaves it alone.
 *
 * <p>The no-load latency is measured by a <em>probe</em> when the limiter starts (the limit pinned
 * to its minimum for one window), then is the lowest window average seen. It never rises by itself,
 * so a limit that creeps up under modest overload cannot happen (the trap of re-measuring it under
 * load, where the queue looks empty); after a lasting slowdown of the backend, the limit stays low
 * until the latency comes back (use {@link GradientLimit}, which re-measures, where the backend's
 * normal speed changes).
 *
 * @param alpha the queue estimate below which the limit grows, per {@code log10(limit)}; default 3
 * @param beta the queue estimate above which it shrinks, per {@code log10(limit)}; more than alpha;
 *     default 6
 */
public record VegasLimit(double alpha, double beta) implements AdaptiveAlgorithm {
    private static final String C = "vegas-limit";

    /**
     * Validates the parameters.
     *
     * @param alpha the queue estimate below which the limit grows
     * @param beta the queue estimate above which it shrinks
     * @throws InvalidConfigException if a parameter is out of range
     */
    public VegasLimit {
        if (!(alpha > 0) || Double.isInfinite(alpha)) {
            throw new InvalidConfigException(C, "alpha", alpha, "must be a positive number",
                    "the queue estimate (per log10 of the limit) below which the limit grows");
        }
        if (!(beta > alpha) || Double.isInfinite(beta)) {
            throw new InvalidConfigException(C, "beta", beta, "must be a number above alpha (" + alpha + ")",
                    "the queue estimate (per log10 of the limit) above which the limit shrinks");
        }
    }

    /**
     * The defaults: alpha 3, beta 6.
     *
     * @return the default parameters
     */
    public static VegasLimit defaults() {
        return new VegasLimit(3, 6);
    }

    @Override
    public String label() {
        return "vegas";
    }
}
