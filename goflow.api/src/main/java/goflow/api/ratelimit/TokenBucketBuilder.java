package goflow.api.ratelimit;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;

/**
 * Builds a token bucket {@link RateLimiter}; obtained from {@code GoFlow.tokenBucket()}.
 *
 * <pre>{@code
 * RateLimiter api = goflow.tokenBucket().name("api").rate(100).burst(200).build();
 * }</pre>
 *
 * <p>Each setter validates its argument at once and may be called once. Defaults: a generated
 * name, burst 1, a full bucket, the GoFlow's clock; the rate is required.
 *
 * <p>Not thread-safe: use a builder from one thread.
 */
@ProviderType
public interface TokenBucketBuilder {

    /**
     * Sets the name.
     *
     * @param name 1 to 128 characters, by {@link goflow.api.GoFlow}'s naming rule (no whitespace, control or
     *     invisible characters, nor {@code , = : " * ?}); unique among live primitives
     * @return this builder
     * @throws InvalidConfigException if the name is invalid or already set
     */
    TokenBucketBuilder name(String name);

    /**
     * Sets the refill rate.
     *
     * @param rate the rate, not null
     * @return this builder
     * @throws InvalidConfigException if null or already set
     */
    TokenBucketBuilder rate(Rate rate);

    /**
     * Sets the refill rate in tokens per second.
     *
     * @param eventsPerSecond zero, positive, or {@link Double#POSITIVE_INFINITY}
     * @return this builder
     * @throws InvalidConfigException if negative, NaN or already set
     */
    TokenBucketBuilder rate(double eventsPerSecond);

    /**
     * Sets the burst: the most tokens the bucket holds.
     *
     * @param burst from 1 to {@link RateLimiter#MAX_BURST}
     * @return this builder
     * @throws InvalidConfigException if out of range or already set
     */
    TokenBucketBuilder burst(long burst);

    /**
     * Sets the tokens at creation (default: full). Values above the burst are clamped to it.
     *
     * @param tokens zero or positive
     * @return this builder
     * @throws InvalidConfigException if negative or already set
     */
    TokenBucketBuilder initialTokens(long tokens);

    /**
     * Sets the clock time is measured on (default: the GoFlow's clock).
     *
     * @param clock the clock, not null
     * @return this builder
     * @throws InvalidConfigException if null or already set
     */
    TokenBucketBuilder clock(Clock clock);

    /**
     * Creates the limiter and registers it.
     *
     * @return the new limiter
     * @throws InvalidConfigException if the rate is missing or the name is taken
     * @throws ClosedException if the GoFlow is closed
     */
    RateLimiter build();
}
