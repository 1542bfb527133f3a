package goflow.plugin.text;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the {@code split} stage (PID {@value #PID}; optional). */
@ObjectClassDefinition(id = SplitConfig.PID, name = "goflow split stage",
        description = "Splits a text into a list of texts around a regular expression.")
public @interface SplitConfig {
    /** The configuration PID. */
    String PID = "goflow.plugin.text.split";

    /**
     * The stage's name.
     *
     * @return the name
     */
    @AttributeDefinition(name = "Stage name", description = "The goflow.stage.name of this stage.")
    String goflow_stage_name() default SplitStage.NAME;

    /**
     * The separator.
     *
     * @return a regular expression
     */
    @AttributeDefinition(name = "Separator", description = "Regular expression between the parts. "
            + "Default: runs of white space (words).")
    String separator() default "\\s+";
}
