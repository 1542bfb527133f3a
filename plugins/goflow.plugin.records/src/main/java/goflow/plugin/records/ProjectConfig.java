package goflow.plugin.records;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the {@code project} stage (PID {@value #PID}; optional). */
@ObjectClassDefinition(id = ProjectConfig.PID, name = "goflow project stage",
        description = "Keeps only the listed fields of each record, in the listed order.")
public @interface ProjectConfig {
    /** The configuration PID. */
    String PID = "goflow.plugin.records.project";

    /**
     * The stage's name.
     *
     * @return the name
     */
    @AttributeDefinition(name = "Stage name", description = "The goflow.stage.name of this stage.")
    String goflow_stage_name() default ProjectStage.NAME;

    /**
     * The fields to keep.
     *
     * @return the field names; empty keeps every field
     */
    @AttributeDefinition(name = "Fields", required = false, cardinality = Integer.MAX_VALUE,
            description = "Fields to keep, in this order; absent ones are skipped. Empty (the default) keeps all.")
    String[] fields() default {};
}
