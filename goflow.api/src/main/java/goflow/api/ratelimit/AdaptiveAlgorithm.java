package goflow.api.ratelimit;

/**
 * How an {@link AdaptiveLimiter} moves its limit at the end of each window, from the window's
 * outcomes: one of {@link AimdLimit}, {@link VegasLimit} or {@link GradientLimit}, each a record of
 * validated parameters with documented defaults. The limiter applies the window (its length and
 * least number of samples) and clamps the result to its minimum and maximum limits.
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface AdaptiveAlgorithm permits AimdLimit, VegasLimit, GradientLimit {

    /**
     * Returns the algorithm's name, as in configurations and the shell: {@code aimd}, {@code vegas}
     * or {@code gradient}.
     *
     * @return the name
     */
    String label();
}
