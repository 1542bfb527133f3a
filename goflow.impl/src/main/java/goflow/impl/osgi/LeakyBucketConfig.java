package goflow.impl.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of a leaky bucket rate limiter (factory PID {@value #PID}). */
@ObjectClassDefinition(id = LeakyBucketConfig.PID, name = "goflow leaky bucket",
        description = "A named leaky bucket rate limiter, registered as goflow.api.ratelimit.LeakyBucket and "
                + "RateLimiter services with goflow.name. Leak rate and capacity change live.")
public @interface LeakyBucketConfig {
    /** The factory PID. */
    String PID = "goflow.leakybucket";

    /**
     * The name.
     *
     * @return the name, or empty for the configuration's name or a generated one
     */
    @AttributeDefinition(name = "Name", required = false,
            description = "Unique name. Default: the name of the factory configuration, else generated.")
    String name() default "";

    /**
     * The leak rate.
     *
     * @return units drained per second
     */
    @AttributeDefinition(name = "Leak rate", min = "0", description = "Volume drained per second. Changes live.")
    double leakRate() default 10;

    /**
     * The capacity.
     *
     * @return the most volume admitted without waiting
     */
    @AttributeDefinition(name = "Capacity", min = "1", description = "The most volume the bucket admits "
            + "without waiting, at least 1. Changes live.")
    long capacity() default 10;
}
