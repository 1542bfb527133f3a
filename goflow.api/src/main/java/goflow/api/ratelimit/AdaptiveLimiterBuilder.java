package goflow.api.ratelimit;

import java.time.Duration;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.Clock;
import goflow.api.InvalidConfigException;

/**
 * Builds an {@link AdaptiveLimiter}; from {@link goflow.api.GoFlow#adaptiveLimiter()}. Each setter
 * validates its argument and may be called once.
 *
 * <p>Defaults: {@link GradientLimit#defaults()}, initial limit 20, minimum 1, maximum 1000, windows
 * of at least 1 s and 10 outcomes (successes and drops).
 *
 * <p>Not thread-safe: a builder belongs to one thread.
 */
@ProviderType
public interface AdaptiveLimiterBuilder {

    /**
     * Sets the name (default: generated).
     *
     * @param name 1 to 128 characters, by {@link goflow.api.GoFlow}'s naming rule (no whitespace, control or
     *     invisible characters, nor {@code , = : " * ?}); unique among live primitives
     * @return this builder
     * @throws InvalidConfigException if the name is blank
     */
    AdaptiveLimiterBuilder name(String name);

    /**
     * Sets the algorithm (default {@link GradientLimit#defaults()}).
     *
     * @param algorithm {@link AimdLimit}, {@link VegasLimit} or {@link GradientLimit}
     * @return this builder
     * @throws InvalidConfigException if it is null
     */
    AdaptiveLimiterBuilder algorithm(AdaptiveAlgorithm algorithm);

    /**
     * Sets the limit to start from (default 20, clamped into [minLimit, maxLimit]).
     *
     * @param limit at least 1
     * @return this builder
     * @throws InvalidConfigException if it is below 1
     */
    AdaptiveLimiterBuilder initialLimit(int limit);

    /**
     * Sets the lowest the limit goes (default 1).
     *
     * @param limit at least 1
     * @return this builder
     * @throws InvalidConfigException if it is below 1
     */
    AdaptiveLimiterBuilder minLimit(int limit);

    /**
     * Sets the highest the limit goes (default 1000).
     *
     * @param limit at least the minimum
     * @return this builder
     * @throws InvalidConfigException if it is below 1 (or below the minimum, at {@link #build()})
     */
    AdaptiveLimiterBuilder maxLimit(int limit);

    /**
     * Sets the window the algorithm reacts over: a window ends at the first outcome after it lasted
     * {@code minTime} and saw {@code minSamples} successful calls or drops, or after it lasted
     * {@code 10 × minTime} whatever it saw (default 1 s and 10).
     *
     * @param minTime how long a window lasts at least, positive
     * @param minSamples how many outcomes (successes and drops) it needs, at least 1
     * @return this builder
     * @throws InvalidConfigException if either is out of range
     */
    AdaptiveLimiterBuilder window(Duration minTime, int minSamples);

    /**
     * Adds a partition: a named share of the limit that caps what the callers naming it hold.
     *
     * @param name the partition's name
     * @param share its share of the limit, in (0, 1]
     * @return this builder
     * @throws InvalidConfigException if the name is blank or repeated, or the share out of range
     */
    AdaptiveLimiterBuilder partition(String name, double share);

    /**
     * Sets the clock latencies and windows are measured on (default: the GoFlow's clock).
     *
     * @param clock the clock
     * @return this builder
     */
    AdaptiveLimiterBuilder clock(Clock clock);

    /**
     * Builds the limiter and lists it in the GoFlow's registry.
     *
     * @return the limiter
     * @throws InvalidConfigException if the settings contradict each other
     */
    AdaptiveLimiter build();
}
