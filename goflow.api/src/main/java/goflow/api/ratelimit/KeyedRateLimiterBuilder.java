package goflow.api.ratelimit;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;

/**
 * Builds a {@link KeyedRateLimiter}; obtained from {@code GoFlow.keyedRateLimiter()}.
 *
 * <pre>{@code
 * KeyedRateLimiter<String> perClient = goflow.keyedRateLimiter()
 *         .name("per-client").rate(10).burst(20).maxKeys(100_000).build();
 * }</pre>
 *
 * <p>Each setter validates its argument at once and may be called once. Defaults: a generated name,
 * burst 1, at most 10 000 keys, idle timeout 10 minutes, the GoFlow's clock; the rate is required.
 * A new key's bucket starts full.
 *
 * <p>Not thread-safe: use a builder from one thread.
 */
@ProviderType
public interface KeyedRateLimiterBuilder {

    /**
     * Sets the name.
     *
     * @param name 1 to 128 characters, by {@link goflow.api.GoFlow}'s naming rule (no whitespace, control or
     *     invisible characters, nor {@code , = : " * ?}); unique among live primitives
     * @return this builder
     * @throws InvalidConfigException if the name is invalid or already set
     */
    KeyedRateLimiterBuilder name(String name);

    /**
     * Sets every key's refill rate.
     *
     * @param rate the rate, not null
     * @return this builder
     * @throws InvalidConfigException if null or already set
     */
    KeyedRateLimiterBuilder rate(Rate rate);

    /**
     * Sets every key's refill rate in tokens per second.
     *
     * @param eventsPerSecond zero, positive, or {@link Double#POSITIVE_INFINITY}
     * @return this builder
     * @throws InvalidConfigException if negative, NaN or already set
     */
    KeyedRateLimiterBuilder rate(double eventsPerSecond);

    /**
     * Sets every key's burst.
     *
     * @param burst from 1 to {@link RateLimiter#MAX_BURST}
     * @return this builder
     * @throws InvalidConfigException if out of range or already set
     */
    KeyedRateLimiterBuilder burst(long burst);

    /**
     * Sets the most keys held at once.
     *
     * @param maxKeys at least 1
     * @return this builder
     * @throws InvalidConfigException if zero, negative or already set
     */
    KeyedRateLimiterBuilder maxKeys(int maxKeys);

    /**
     * Sets how long a key must be unused before its (full) bucket can be evicted.
     *
     * @param idleTimeout positive
     * @return this builder
     * @throws InvalidConfigException if null, zero, negative or already set
     */
    KeyedRateLimiterBuilder idleTimeout(Duration idleTimeout);

    /**
     * Sets the clock time is measured on (default: the GoFlow's clock).
     *
     * @param clock the clock, not null
     * @return this builder
     * @throws InvalidConfigException if null or already set
     */
    KeyedRateLimiterBuilder clock(Clock clock);

    /**
     * Creates the limiter and registers it.
     *
     * @param <K> the key type
     * @return the new limiter
     * @throws InvalidConfigException if the rate is missing or the name is taken
     * @throws ClosedException if the GoFlow is closed
     */
    <K> KeyedRateLimiter<K> build();
}
