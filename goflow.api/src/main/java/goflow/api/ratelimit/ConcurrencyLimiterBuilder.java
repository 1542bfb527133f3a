package goflow.api.ratelimit;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;

/**
 * Builds a {@link ConcurrencyLimiter}; obtained from {@code GoFlow.concurrencyLimiter()}.
 *
 * <pre>{@code
 * ConcurrencyLimiter db = goflow.concurrencyLimiter().name("db").capacity(20).fair(true).build();
 * }</pre>
 *
 * <p>Each setter validates its argument at once and may be called once. Defaults: a generated
 * name, no permit in use, not fair; the capacity is required.
 *
 * <p>Not thread-safe: use a builder from one thread.
 */
@ProviderType
public interface ConcurrencyLimiterBuilder {

    /**
     * Sets the name.
     *
     * @param name 1 to 128 characters, by {@link goflow.api.GoFlow}'s naming rule (no whitespace, control or
     *     invisible characters, nor {@code , = : " * ?}); unique among live primitives
     * @return this builder
     * @throws InvalidConfigException if the name is invalid or already set
     */
    ConcurrencyLimiterBuilder name(String name);

    /**
     * Sets the capacity: the most permits in use at once.
     *
     * @param capacity at least 1
     * @return this builder
     * @throws InvalidConfigException if zero, negative or already set
     */
    ConcurrencyLimiterBuilder capacity(int capacity);

    /**
     * Sets the permits considered in use at creation (default 0); they must be released like any
     * other. Must not exceed the capacity.
     *
     * @param inUse zero or positive
     * @return this builder
     * @throws InvalidConfigException if negative or already set
     */
    ConcurrencyLimiterBuilder initialInUse(int inUse);

    /**
     * Chooses FIFO fairness (default {@code false}); see {@link ConcurrencyLimiter}.
     *
     * @param fair {@code true} to grant permits in arrival order
     * @return this builder
     * @throws InvalidConfigException if already set
     */
    ConcurrencyLimiterBuilder fair(boolean fair);

    /**
     * Creates the limiter and registers it.
     *
     * @return the new limiter
     * @throws InvalidConfigException if the capacity is missing, the initial use exceeds it, or the
     *     name is taken
     * @throws ClosedException if the GoFlow is closed
     */
    ConcurrencyLimiter build();
}
