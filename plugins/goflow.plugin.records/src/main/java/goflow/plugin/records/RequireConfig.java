package goflow.plugin.records;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the {@code require} stage (PID {@value #PID}; optional). */
@ObjectClassDefinition(id = RequireConfig.PID, name = "goflow require stage",
        description = "Fails records that lack a required field or have it blank.")
public @interface RequireConfig {
    /** The configuration PID. */
    String PID = "goflow.plugin.records.require";

    /**
     * The stage's name.
     *
     * @return the name
     */
    @AttributeDefinition(name = "Stage name", description = "The goflow.stage.name of this stage.")
    String goflow_stage_name() default RequireStage.NAME;

    /**
     * The required fields.
     *
     * @return the field names
     */
    @AttributeDefinition(name = "Fields", cardinality = Integer.MAX_VALUE,
            description = "Fields that must be present and not blank. Default: id.")
    String[] fields() default {"id"};
}
