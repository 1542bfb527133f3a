package goflow.api.ratelimit;

import goflow.api.InvalidConfigException;

/**
 * A gradient controller, as Envoy's adaptive concurrency filter: at the end of each window,
 * {@code gradient = clamp(noLoad × (1 + buffer) / latency, 0.5, 2)} and the limit moves toward
 * {@code limit × gradient + sqrt(limit × gradient)} (the square root is headroom for the queue):
 * a fifth of the way up, half of the way down, so that noise cannot pump it up and an overloaded
 * backend is relieved at once. A window with drops multiplies the limit by the lower gradient bound,
 * 0.5; a window whose calls did not fill half the limit never grows it.
 *
 * <p>The {@code buffer} on the no-load latency (Envoy's lesson): latencies up to
 * {@code noLoad × (1 + buffer)} read as no load. It sets how much queue the limit allows (a backend
 * of capacity {@code c} settles near {@code c × (1 + buffer) + sqrt(c × (1 + buffer))}), and it keeps
 * noise from being read as a faster backend: only a window more than the buffer faster than the
 * no-load latency brings a probe forward. Without it, a noisy, lightly loaded backend keeps
 * bringing probes forward and the limit is pinned to its minimum over and over (in the ±50 % noise
 * simulation, about 40 % of the time instead of about 12 %). Under load, the smoothing above is what
 * keeps noise from moving the limit.
 *
 * <p>The no-load latency is measured, not guessed from loaded windows (under load every window is
 * queued, so the lowest loaded average only reads the queue): a <em>probe</em> pins the limit to
 * its minimum for one window and takes that window's average latency. Probes run at the start,
 * every {@code refreshWindows} windows (so the no-load latency follows a lasting change of the
 * backend's speed, both ways), and early when a window is faster than the no-load latency by more
 * than the buffer (the backend got faster). A probe whose latencies disagree (the slowest above twice the fastest:
 * the backend changed speed during it) is made again, up to three times.
 *
 * @param buffer the tolerance on the no-load latency, from 0 to 1; default 0.25
 * @param refreshWindows how many windows the no-load latency is kept before it is re-measured, at
 *     least 2; default 100
 */
public record GradientLimit(double buffer, int refreshWindows) implements AdaptiveAlgorithm {
    private static final String C = "gradient-limit";

    /**
     * Validates the parameters.
     *
     * @param buffer the tolerance on the no-load latency
     * @param refreshWindows how many windows the no-load latency is kept
     * @throws InvalidConfigException if a parameter is out of range
     */
    public GradientLimit {
        if (!(buffer >= 0 && buffer <= 1)) {
            throw new InvalidConfigException(C, "buffer", buffer, "must be from 0 to 1",
                    "the tolerance on the no-load latency that keeps noise from moving the limit, e.g. 0.25");
        }
        if (refreshWindows < 2) {
            throw new InvalidConfigException(C, "refreshWindows", refreshWindows, "must be at least 2",
                    "how many windows the no-load latency is kept before it is measured again");
        }
    }

    /**
     * The defaults: buffer 0.25, refresh every 100 windows.
     *
     * @return the default parameters
     */
    public static GradientLimit defaults() {
        return new GradientLimit(0.25, 100);
    }

    @Override
    public String label() {
        return "gradient";
    }
}
