package goflow.api.ratelimit;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;

/**
 * Builds a {@link LeakyBucket}; obtained from {@code GoFlow.leakyBucket()}.
 *
 * <pre>{@code
 * LeakyBucket smooth = goflow.leakyBucket().name("db-writes").leakRate(50).capacity(10).build();
 * }</pre>
 *
 * <p>Each setter validates its argument at once and may be called once. Defaults: a generated
 * name, capacity 1, an empty bucket (level 0), the GoFlow's clock; the leak rate is required.
 *
 * <p>Not thread-safe: use a builder from one thread.
 */
@ProviderType
public interface LeakyBucketBuilder {

    /**
     * Sets the name.
     *
     * @param name 1 to 128 characters, by {@link goflow.api.GoFlow}'s naming rule (no whitespace, control or
     *     invisible characters, nor {@code , = : " * ?}); unique among live primitives
     * @return this builder
     * @throws InvalidConfigException if the name is invalid or already set
     */
    LeakyBucketBuilder name(String name);

    /**
     * Sets the leak rate: how much volume drains per second.
     *
     * @param rate the rate, not null
     * @return this builder
     * @throws InvalidConfigException if null or already set
     */
    LeakyBucketBuilder leakRate(Rate rate);

    /**
     * Sets the leak rate in units per second.
     *
     * @param perSecond zero, positive, or {@link Double#POSITIVE_INFINITY}
     * @return this builder
     * @throws InvalidConfigException if negative, NaN or already set
     */
    LeakyBucketBuilder leakRate(double perSecond);

    /**
     * Sets the capacity: the most volume the bucket admits without waiting.
     *
     * @param capacity from 1 to {@link RateLimiter#MAX_BURST}
     * @return this builder
     * @throws InvalidConfigException if out of range or already set
     */
    LeakyBucketBuilder capacity(long capacity);

    /**
     * Sets the level at creation (default: empty). Values above the capacity are clamped to it.
     *
     * @param level zero or positive
     * @return this builder
     * @throws InvalidConfigException if negative or already set
     */
    LeakyBucketBuilder initialLevel(long level);

    /**
     * Sets the clock time is measured on (default: the GoFlow's clock).
     *
     * @param clock the clock, not null
     * @return this builder
     * @throws InvalidConfigException if null or already set
     */
    LeakyBucketBuilder clock(Clock clock);

    /**
     * Creates the bucket and registers it.
     *
     * @return the new bucket
     * @throws InvalidConfigException if the leak rate is missing or the name is taken
     * @throws ClosedException if the GoFlow is closed
     */
    LeakyBucket build();
}
