package goflow.impl.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of a token bucket rate limiter (factory PID {@value #PID}). */
@ObjectClassDefinition(id = TokenBucketConfig.PID, name = "goflow token bucket",
        description = "A named token bucket rate limiter, registered as a goflow.api.ratelimit.RateLimiter "
                + "service with goflow.name. Rate and burst change live.")
public @interface TokenBucketConfig {
    /** The factory PID. */
    String PID = "goflow.tokenbucket";

    /**
     * The name.
     *
     * @return the name, or empty for the configuration's name ({@code goflow.tokenbucket~<name>}) or a generated one
     */
    @AttributeDefinition(name = "Name", required = false,
            description = "Unique name (1 to 128 characters, no whitespace or , = : \" * ?). "
                    + "Default: the name of the factory configuration, else generated.")
    String name() default "";

    /**
     * The rate.
     *
     * @return tokens per second
     */
    @AttributeDefinition(name = "Rate", min = "0", description = "Tokens added per second (0 admits nothing "
            + "after the burst). Changes live.")
    double rate() default 10;

    /**
     * The burst.
     *
     * @return the most tokens the bucket holds
     */
    @AttributeDefinition(name = "Burst", min = "1", description = "The most tokens the bucket holds, at least 1. "
            + "Changes live.")
    long burst() default 10;
}
