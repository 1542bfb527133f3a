package goflow.bench;

import java.time.Duration;

import goflow.api.GoFlow;
import goflow.api.ratelimit.Rate;

/** Builds each rate limiter under test behind one small interface, so a fork sees one implementation. */
final class Peers {
    private Peers() {
    }

    /** A non-blocking admission decision. */
    @FunctionalInterface
    interface Limiter {
        boolean tryAcquire();
    }

    /** Names of the rate limiters, ours first. */
    static final String GOFLOW = "goflow";
    static final String CAS_FLOOR = "casFloor";

    /**
     * A rate limiter of {@code rate} events per second with a bucket of {@code burst}, started full
     * where the implementation allows it.
     */
    static Limiter rateLimiter(String impl, GoFlow goflow, double rate, long burst) {
        switch (impl) {
            case GOFLOW: {
                goflow.api.ratelimit.RateLimiter l = goflow.tokenBucket().rate(Rate.perSecond(rate)).burst(burst).build();
                return l::allow;
            }
            case CAS_FLOOR: {
                CasBucket b = new CasBucket(rate, burst);
                return b::tryAcquire;
            }
            case "guava": {
                // Guava's SmoothBursty stores up to one second of permits; it starts empty.
                com.google.common.util.concurrent.RateLimiter l = com.google.common.util.concurrent.RateLimiter.create(rate);
                return l::tryAcquire;
            }
            case "bucket4j":
            case "bucket4jSync": {
                io.github.bucket4j.local.LocalBucketBuilder b = io.github.bucket4j.Bucket.builder()
                        .addLimit(limit -> rate >= 1
                                ? limit.capacity(burst).refillGreedy(Math.round(rate), Duration.ofSeconds(1))
                                : limit.capacity(burst).refillGreedy(1, Duration.ofNanos((long) (1e9 / rate))))
                        .withNanosecondPrecision();
                if (impl.equals("bucket4jSync")) {
                    b = b.withSynchronizationStrategy(io.github.bucket4j.local.SynchronizationStrategy.SYNCHRONIZED);
                }
                io.github.bucket4j.Bucket bucket = b.build();
                return () -> bucket.tryConsume(1);
            }
            case "resilience4j": {
                // A fixed window: `burst` permits every burst/rate seconds (at least 1 ms).
                long periodNanos = Math.max(1_000_000L, (long) (burst * 1e9 / rate));
                long perPeriod = Math.min(Integer.MAX_VALUE, Math.round(rate * periodNanos / 1e9));
                io.github.resilience4j.ratelimiter.RateLimiter l = io.github.resilience4j.ratelimiter.RateLimiter.of("bench",
                        io.github.resilience4j.ratelimiter.RateLimiterConfig.custom()
                                .limitForPeriod((int) perPeriod)
                                .limitRefreshPeriod(Duration.ofNanos(periodNanos))
                                .timeoutDuration(Duration.ZERO)
                                .build());
                return l::acquirePermission;
            }
            case "failsafe": {
                long periodNanos = Math.max(1_000_000L, (long) (burst * 1e9 / rate));
                long perPeriod = Math.round(rate * periodNanos / 1e9);
                dev.failsafe.RateLimiter<Object> l = dev.failsafe.RateLimiter.burstyBuilder(perPeriod,
                        Duration.ofNanos(periodNanos)).build();
                return l::tryAcquirePermit;
            }
            default:
                throw new IllegalArgumentException("unknown rate limiter " + impl);
        }
    }
}
