package goflow.impl.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of a concurrency limiter (factory PID {@value #PID}). */
@ObjectClassDefinition(id = ConcurrencyLimiterConfig.PID, name = "goflow concurrency limiter",
        description = "A named concurrency limiter, registered as a goflow.api.ratelimit.ConcurrencyLimiter "
                + "service with goflow.name. Capacity changes live; fairness recreates it.")
public @interface ConcurrencyLimiterConfig {
    /** The factory PID. */
    String PID = "goflow.concurrencylimiter";

    /**
     * The name.
     *
     * @return the name, or empty for the configuration's name or a generated one
     */
    @AttributeDefinition(name = "Name", required = false,
            description = "Unique name. Default: the name of the factory configuration, else generated.")
    String name() default "";

    /**
     * The capacity.
     *
     * @return the most permits in use at once
     */
    @AttributeDefinition(name = "Capacity", min = "1", description = "The most permits in use at once, at least 1. "
            + "Changes live (shrinking below use is honoured as permits are released).")
    int capacity() default 10;

    /**
     * Fairness.
     *
     * @return whether waiters are served first come, first served
     */
    @AttributeDefinition(name = "Fair", description = "Serve waiters first come, first served "
            + "(no starvation of large requests). A change recreates the limiter.")
    boolean fair() default false;
}
