package goflow.container.demo;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the demo traffic (PID {@value #PID}; required: no configuration, no traffic). */
@ObjectClassDefinition(id = DemoConfig.PID, name = "goflow demo traffic",
        description = "Offers order lines from the 'orders' source to token bucket demo-ingress; admitted ones run "
                + "through pipeline demo-orders on pool demo-workers, limited by demo-db.")
public @interface DemoConfig {
    /** The configuration PID. */
    String PID = "goflow.demo";

    /**
     * How many lines each period offers.
     *
     * @return the count, at least 1
     */
    @AttributeDefinition(name = "Lines per tick", description = "Order lines offered each period. Default: 10.")
    int linesPerTick() default 10;

    /**
     * The period.
     *
     * @return an ISO-8601 duration
     */
    @AttributeDefinition(name = "Period", description = "ISO-8601 duration between ticks. Default: PT0.1S.")
    String period() default "PT0.1S";
}
