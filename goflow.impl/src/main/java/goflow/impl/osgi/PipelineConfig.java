package goflow.impl.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of a pipeline composed of stage plugins by name (factory PID {@value #PID}). */
@ObjectClassDefinition(id = PipelineConfig.PID, name = "goflow pipeline",
        description = "A named pipeline of stage plugins (Stage services with goflow.stage.name), registered as a "
                + "goflow.api.pipeline.Pipeline service with goflow.name. Stages are bound by name at run time: "
                + "while one is missing, executions fail at that stage with a clear error. Changes recreate it.")
public @interface PipelineConfig {
    /** The factory PID. */
    String PID = "goflow.pipeline";

    /**
     * The name.
     *
     * @return the name, or empty for the configuration's name or a generated one
     */
    @AttributeDefinition(name = "Name", required = false,
            description = "Unique name. Default: the name of the factory configuration, else generated.")
    String name() default "";

    /**
     * The stage names, in order.
     *
     * @return at least one stage name
     */
    @AttributeDefinition(name = "Stages", cardinality = Integer.MAX_VALUE,
            description = "The names (goflow.stage.name) of the stages, in order; at least one.")
    String[] stages() default {};

    /**
     * Whether the pipeline stops at the first failing stage.
     *
     * @return true to stop on error (the default)
     */
    @AttributeDefinition(name = "Stop on error", description = "Stop at the first failing stage (default); "
            + "false continues with the remaining stages.")
    boolean stopOnError() default true;

    /**
     * The timeout of one execution.
     *
     * @return an ISO-8601 duration, or empty for none
     */
    @AttributeDefinition(name = "Timeout", required = false,
            description = "Timeout of one execution as an ISO-8601 duration (e.g. PT5S); empty for none.")
    String timeout() default "";
}
