package goflow.impl.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of an adaptive concurrency limiter (factory PID {@value #PID}). */
@ObjectClassDefinition(id = AdaptiveLimiterConfig.PID, name = "goflow adaptive limiter",
        description = "A named adaptive concurrency limiter, registered as a goflow.api.ratelimit.AdaptiveLimiter "
                + "(and ConcurrencyGate) service with goflow.name. Its limit follows the backend's measured latency "
                + "and drops. A change recreates it (the new limiter learns its limit again, from initialLimit).")
public @interface AdaptiveLimiterConfig {
    /** The factory PID. */
    String PID = "goflow.adaptivelimiter";

    /**
     * The name.
     *
     * @return the name, or empty for the configuration's name or a generated one
     */
    @AttributeDefinition(name = "Name", required = false,
            description = "Unique name. Default: the name of the factory configuration, else generated.")
    String name() default "";

    /**
     * The algorithm.
     *
     * @return gradient, vegas or aimd
     */
    @AttributeDefinition(name = "Algorithm", description = "gradient (default), vegas or aimd.")
    String algorithm() default "gradient";

    /**
     * The limit to start from.
     *
     * @return at least 1
     */
    @AttributeDefinition(name = "Initial limit", min = "1", description = "The limit to start from "
            + "(clamped into [minLimit, maxLimit]).")
    int initialLimit() default 20;

    /**
     * The lowest limit.
     *
     * @return at least 1
     */
    @AttributeDefinition(name = "Minimum limit", min = "1", description = "The lowest the limit goes.")
    int minLimit() default 1;

    /**
     * The highest limit.
     *
     * @return at least the minimum
     */
    @AttributeDefinition(name = "Maximum limit", min = "1", description = "The highest the limit goes.")
    int maxLimit() default 1000;

    /**
     * How long a window lasts at least.
     *
     * @return an ISO-8601 duration
     */
    @AttributeDefinition(name = "Window time", description = "How long a window lasts at least, ISO-8601 "
            + "(default PT1S).")
    String windowTime() default "PT1S";

    /**
     * How many outcomes a window needs.
     *
     * @return at least 1
     */
    @AttributeDefinition(name = "Window samples", min = "1", description = "How many outcomes (successes and "
            + "drops) a window needs (default 10).")
    int windowSamples() default 10;

    /**
     * The partitions.
     *
     * @return entries {@code name=share}, share in (0, 1]
     */
    @AttributeDefinition(name = "Partitions", cardinality = Integer.MAX_VALUE, required = false,
            description = "Shares of the limit per caller class, each name=share with share in (0, 1], "
                    + "e.g. batch=0.2.")
    String[] partitions() default {};

    /**
     * AIMD: the factor applied on a drop.
     *
     * @return in (0, 1)
     */
    @AttributeDefinition(name = "AIMD backoff ratio", description = "aimd: the factor the limit is multiplied by on "
            + "a drop or timeout (default 0.9).")
    double aimdBackoffRatio() default 0.9;

    /**
     * AIMD: the increase per window.
     *
     * @return at least 1
     */
    @AttributeDefinition(name = "AIMD increase", min = "1", description = "aimd: what the limit grows by in a "
            + "window without drops (default 1).")
    int aimdIncrease() default 1;

    /**
     * AIMD: the latency that counts as a drop.
     *
     * @return an ISO-8601 duration
     */
    @AttributeDefinition(name = "AIMD timeout", description = "aimd: a window whose average latency is above "
            + "this counts as a drop, ISO-8601 (default PT5S).")
    String aimdTimeout() default "PT5S";

    /**
     * Vegas: the queue estimate below which the limit grows.
     *
     * @return positive
     */
    @AttributeDefinition(name = "Vegas alpha", description = "vegas: the queue estimate (per log10 of the limit) "
            + "below which the limit grows (default 3).")
    double vegasAlpha() default 3;

    /**
     * Vegas: the queue estimate above which the limit shrinks.
     *
     * @return above alpha
     */
    @AttributeDefinition(name = "Vegas beta", description = "vegas: the queue estimate (per log10 of the limit) "
            + "above which the limit shrinks (default 6).")
    double vegasBeta() default 6;

    /**
     * Gradient: the tolerance on the no-load latency.
     *
     * @return from 0 to 1
     */
    @AttributeDefinition(name = "Gradient buffer", description = "gradient: the tolerance on the no-load latency "
            + "that keeps noise from moving the limit (default 0.25).")
    double gradientBuffer() default 0.25;

    /**
     * Gradient: how many windows the no-load latency is kept.
     *
     * @return at least 2
     */
    @AttributeDefinition(name = "Gradient refresh windows", min = "2", description = "gradient: how many windows "
            + "the no-load latency is kept before it is measured again (default 100).")
    int gradientRefreshWindows() default 100;
}
