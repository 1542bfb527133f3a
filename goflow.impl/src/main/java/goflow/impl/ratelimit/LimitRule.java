package goflow.impl.ratelimit;

import goflow.api.ratelimit.AdaptiveAlgorithm;
import goflow.api.ratelimit.AimdLimit;
import goflow.api.ratelimit.GradientLimit;
import goflow.api.ratelimit.VegasLimit;
import goflow.impl.internal.Durations;

/**
 * The update of an {@link AdaptiveLimiterImpl}'s limit at the end of a window, for each
 * {@link AdaptiveAlgorithm}; a rule keeps the algorithm's own state (the no-load latency).
 *
 * <p>Not thread-safe: used under the limiter's lock only.
 */
abstract class LimitRule {
    /** What a window saw: only successes give latencies, so drops cannot distort them. */
    record Window(long samples, double averageNanos, long drops, int maxInFlight, long minNanos, long maxNanos) {
        /**
         * Whether the latencies of a probe window agree with each other (the slowest at most twice
         * the fastest): a probe that straddled a change of the backend's speed does not.
         */
        boolean steady() {
            return samples > 0 && maxNanos <= 2 * minNanos;
        }
    }

    /**
     * The limit for the next window.
     *
     * @param limit the current estimate (a real number; the limiter clamps and rounds it)
     * @param w the window that ended
     * @return the new estimate
     */
    abstract double next(double limit, Window w);

    /** The no-load latency the rule uses, in nanoseconds, or 0 when it keeps none (or none yet). */
    double noLoadNanos() {
        return 0;
    }

    /**
     * Whether the next window should be a probe: the limiter pins the limit to its minimum for one
     * window, so that the window's latency is the backend's no-load latency, then gives it to
     * {@link #probed} and goes back to the limit it had. Asked when the limiter starts and after
     * every window.
     */
    boolean probeDue() {
        return false;
    }

    /**
     * The figures of a probe window.
     *
     * @param w the probe window
     */
    void probed(Window w) {
    }

    /**
     * A probe was given up: none of its calls could start (the calls in flight when it began held
     * the minimum). The limit goes back to the estimate; the rule keeps its no-load latency.
     */
    void probeGivenUp() {
    }

    static LimitRule of(AdaptiveAlgorithm algorithm) {
        if (algorithm instanceof AimdLimit a) {
            return new Aimd(a);
        }
        if (algorithm instanceof VegasLimit v) {
            return new Vegas(v);
        }
        return new Gradient((GradientLimit) algorithm);
    }

    /** Whether the calls in flight held the limit back in this window (otherwise the limit says nothing). */
    static boolean limited(double limit, Window w) {
        return w.maxInFlight() * 2L >= (long) limit;
    }

    /** See {@link AimdLimit}. */
    static final class Aimd extends LimitRule {
        private final AimdLimit p;
        private final double timeoutNanos;

        Aimd(AimdLimit p) {
            this.p = p;
            this.timeoutNanos = Durations.toNanosSaturated(p.timeout());
        }

        @Override
        double next(double limit, Window w) {
            if (w.drops() > 0 || w.samples() > 0 && w.averageNanos() > timeoutNanos) {
                return limit * p.backoffRatio();
            }
            return limited(limit, w) ? limit + p.increase() : limit;
        }
    }

    /** See {@link VegasLimit}. */
    static final class Vegas extends LimitRule {
        private final VegasLimit p;
        private double noLoad = Double.POSITIVE_INFINITY;
        /** Whether the probe at the start has been made (the only one: the no-load latency only goes down after it). */
        private boolean probedOnce;
        /** A no-load latency read as 0 is being measured again; see {@link #next}. */
        private boolean rechecking;
        /** A probe made again read 0 too: the no-load latency is below what the clock sees, and it stands. */
        private boolean zeroStands;

        Vegas(VegasLimit p) {
            this.p = p;
        }

        @Override
        boolean probeDue() {
            return !probedOnce || rechecking;
        }

        @Override
        void probed(Window w) {
            if (w.samples() > 0) {
                if (rechecking) {
                    noLoad = w.averageNanos(); // it replaces the reading of 0
                    zeroStands = noLoad == 0;
                    rechecking = false;
                } else {
                    noLoad = Math.min(noLoad, w.averageNanos());
                }
                probedOnce = true;
            }
        }

        @Override
        double next(double limit, Window w) {
            double step = Math.max(1, Math.log10(limit));
            if (noLoad == 0 && !zeroStands && w.averageNanos() > 0) {
                // a no-load latency of 0 is a clock that did not see the calls (one that did not move, or a
                // coarse one), not a backend: now that it sees them, measure it again rather than read every
                // visible latency as a queue the size of the limit (pinned near 4 for ever)
                rechecking = true;
                return w.drops() > 0 ? limit - step : limit;
            }
            if (w.samples() > 0) {
                noLoad = Math.min(noLoad, w.averageNanos()); // the lowest window average: never raised under load
            }
            if (w.drops() > 0) {
                return limit - step;
            }
            if (w.samples() == 0 || !limited(limit, w)) {
                return limit;
            }
            double queue = limit * (1 - noLoad / w.averageNanos());
            if (queue < p.alpha() * step) {
                return limit + step;
            }
            if (queue > p.beta() * step) {
                // take the excess out at once, down to the middle of [alpha, beta]: a backend that slowed
                // down is relieved within a window or two, not one log10(limit) step per window
                double middle = (p.alpha() + p.beta()) / 2 * step;
                return limit - Math.max(step, queue - middle);
            }
            return limit;
        }

        @Override
        double noLoadNanos() {
            return Double.isInfinite(noLoad) ? 0 : noLoad;
        }
    }

    /** See {@link GradientLimit}. */
    static final class Gradient extends LimitRule {
        private static final double MIN_GRADIENT = 0.5;
        private static final double MAX_GRADIENT = 2.0;
        /** How far the limit moves toward the gradient's target in one window, up and down. */
        private static final double UP = 0.2;
        private static final double DOWN = 0.5;
        private final GradientLimit p;
        private double noLoad = Double.POSITIVE_INFINITY;
        private static final int MAX_PROBE_ATTEMPTS = 3;
        /** Windows since the last probe; a probe is due at the start and every refreshWindows windows. */
        private int sinceProbe;
        private boolean probedOnce;
        /** Probe windows made for the current measurement, and the lowest average among them. */
        private int probeAttempts;
        private double attemptsMin = Double.POSITIVE_INFINITY;
        /** A no-load latency read as 0 is being measured again; see {@link #next}. */
        private boolean rechecking;
        /** A probe made again read 0 too: the no-load latency is below what the clock sees, and it stands. */
        private boolean zeroStands;

        Gradient(GradientLimit p) {
            this.p = p;
        }

        @Override
        boolean probeDue() {
            return !probedOnce || sinceProbe >= p.refreshWindows();
        }

        @Override
        void probed(Window w) {
            if (w.samples() == 0) {
                return; // no traffic: probe again
            }
            probeAttempts++;
            attemptsMin = Math.min(attemptsMin, w.averageNanos());
            if (w.steady() || probeAttempts >= MAX_PROBE_ATTEMPTS) {
                // re-measured: it follows a lasting change of the backend's speed; a probe whose latencies
                // disagree (the backend changed speed during it) is made again, up to three times
                noLoad = w.steady() ? w.averageNanos() : attemptsMin;
                zeroStands = noLoad == 0 && rechecking;
                rechecking = false;
                probedOnce = true;
                sinceProbe = 0;
                probeAttempts = 0;
                attemptsMin = Double.POSITIVE_INFINITY;
            }
        }

        @Override
        void probeGivenUp() {
            if (probedOnce) {
                sinceProbe = 0; // try again after refreshWindows windows, not after the next one
            }
        }

        @Override
        double next(double limit, Window w) {
            sinceProbe++;
            if (noLoad == 0 && !zeroStands && w.averageNanos() > 0) {
                // a no-load latency of 0 is a clock that did not see the probe's calls (one that did not move,
                // or a coarse one), not a backend: now that it sees the latency, measure it again rather than
                // read every visible latency as a rise over 0 (the lowest gradient: the limit pinned near 2)
                rechecking = true;
                sinceProbe = p.refreshWindows();
                if (w.drops() == 0) {
                    return limit;
                }
            }
            if (w.samples() > 0) {
                if (w.averageNanos() * (1 + p.buffer()) < noLoad) {
                    // faster than "no load" allows: the backend got faster since the last probe, and a
                    // window under load only shows an upper bound of its new no-load latency: measure it
                    sinceProbe = p.refreshWindows();
                }
            }
            if (w.drops() > 0) {
                // × 0.5, not through the target below: its sqrt headroom and half-way smoothing made a drop
                // window shrink 40 only to 32, and grow a limit under 2 (0.5 L + sqrt(0.5 L) > L there)
                return limit * MIN_GRADIENT;
            }
            double gradient;
            if (w.samples() == 0) {
                return limit;
            } else if (w.averageNanos() <= 0) {
                // calls faster than the clock can see: the latency did not rise (and 0 / 0, with a
                // no-load latency of 0 too, would make the limit NaN, cast to 0: no permit ever again)
                gradient = MAX_GRADIENT;
            } else {
                gradient = Math.max(MIN_GRADIENT, Math.min(MAX_GRADIENT, noLoad * (1 + p.buffer()) / w.averageNanos()));
            }
            double scaled = limit * gradient;
            double target = scaled + Math.sqrt(scaled);
            if (target >= limit && !limited(limit, w)) {
                // the calls did not fill the limit: nothing says it may grow (the sqrt headroom alone would
                // raise it for a gradient just under 1, and noise would talk an idle limit up to the maximum)
                return limit;
            }
            // up smoothly (noise cannot pump it), down fast (an overloaded backend is relieved at once)
            return target < limit ? limit + DOWN * (target - limit) : limit + UP * (target - limit);
        }

        @Override
        double noLoadNanos() {
            return Double.isInfinite(noLoad) ? 0 : noLoad;
        }
    }
}
