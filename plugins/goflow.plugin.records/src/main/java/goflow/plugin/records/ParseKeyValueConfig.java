package goflow.plugin.records;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the {@code parse-kv} stage (PID {@value #PID}; optional). */
@ObjectClassDefinition(id = ParseKeyValueConfig.PID, name = "goflow parse-kv stage",
        description = "Parses a line of key=value pairs into a record.")
public @interface ParseKeyValueConfig {
    /** The configuration PID. */
    String PID = "goflow.plugin.records.parsekv";

    /**
     * The stage's name.
     *
     * @return the name
     */
    @AttributeDefinition(name = "Stage name", description = "The goflow.stage.name of this stage.")
    String goflow_stage_name() default ParseKeyValueStage.NAME;

    /**
     * The separator between pairs.
     *
     * @return a regular expression
     */
    @AttributeDefinition(name = "Separator", description = "Regular expression between pairs. "
            + "Default: white space, commas, semicolons or ampersands.")
    String separator() default "[\\s,;&]+";
}
