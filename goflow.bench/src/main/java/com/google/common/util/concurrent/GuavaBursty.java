package com.google.common.util.concurrent;

/**
 * Benchmark-only access to Guava's SmoothBursty with a chosen burst: Guava's public factory fixes
 * the stored permits at one second's worth, and the accuracy check needs a burst of 100 at 1000/s.
 * Lives in Guava's package (class path only) to reach its package-private constructor.
 */
public final class GuavaBursty {
    private GuavaBursty() {
    }

    /** A bursty Guava limiter storing up to {@code maxBurstSeconds × rate} permits; starts empty. */
    public static RateLimiter create(double permitsPerSecond, double maxBurstSeconds) {
        RateLimiter r = new SmoothRateLimiter.SmoothBursty(RateLimiter.SleepingStopwatch.createFromSystemTimer(),
                maxBurstSeconds);
        r.setRate(permitsPerSecond);
        return r;
    }
}
