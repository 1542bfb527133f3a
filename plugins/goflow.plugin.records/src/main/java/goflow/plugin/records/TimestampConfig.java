package goflow.plugin.records;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the {@code timestamp} stage (PID {@value #PID}; optional). */
@ObjectClassDefinition(id = TimestampConfig.PID, name = "goflow timestamp stage",
        description = "Adds the processing time to each record (ISO-8601, UTC).")
public @interface TimestampConfig {
    /** The configuration PID. */
    String PID = "goflow.plugin.records.timestamp";

    /**
     * The stage's name.
     *
     * @return the name
     */
    @AttributeDefinition(name = "Stage name", description = "The goflow.stage.name of this stage.")
    String goflow_stage_name() default TimestampStage.NAME;

    /**
     * The field to set.
     *
     * @return the field name
     */
    @AttributeDefinition(name = "Field", description = "The field that receives the time. Default: timestamp.")
    String field() default "timestamp";
}
