package goflow.impl.ratelimit;

import goflow.api.InvalidConfigException;
import goflow.api.ratelimit.Rate;
import goflow.api.ratelimit.RateLimiter;

/** Validation shared by the limiter builders and live setters. Stateless. */
final class LimiterChecks {
    static final String RATE_HINT = "use 0 for no refill, a positive number of tokens per second, or Rate.UNLIMITED";

    private LimiterChecks() {
    }

    static Rate rate(String component, String field, double perSecond) {
        if (Double.isNaN(perSecond)) {
            throw new InvalidConfigException(component, field, perSecond, "must be a number, not NaN", RATE_HINT);
        }
        if (perSecond < 0) {
            throw new InvalidConfigException(component, field, perSecond, "must not be negative", RATE_HINT);
        }
        return Rate.perSecond(perSecond);
    }

    static Rate rate(String component, String field, Rate rate) {
        if (rate == null) {
            throw new InvalidConfigException(component, field, null, "must not be null", RATE_HINT);
        }
        return rate;
    }

    static long burst(String component, String field, long burst, String hint) {
        if (burst <= 0) {
            throw new InvalidConfigException(component, field, burst, "must be positive", hint);
        }
        if (burst > RateLimiter.MAX_BURST) {
            throw new InvalidConfigException(component, field, burst, "must be at most 2^52 (" + RateLimiter.MAX_BURST
                    + ")", hint);
        }
        return burst;
    }
}
