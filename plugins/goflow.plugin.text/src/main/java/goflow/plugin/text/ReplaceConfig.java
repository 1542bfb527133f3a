package goflow.plugin.text;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the {@code replace} stage (PID {@value #PID}; optional). */
@ObjectClassDefinition(id = ReplaceConfig.PID, name = "goflow replace stage",
        description = "Replaces every match of a regular expression.")
public @interface ReplaceConfig {
    /** The configuration PID. */
    String PID = "goflow.plugin.text.replace";

    /**
     * The stage's name.
     *
     * @return the name
     */
    @AttributeDefinition(name = "Stage name", description = "The goflow.stage.name of this stage.")
    String goflow_stage_name() default ReplaceStage.NAME;

    /**
     * The regular expression to replace.
     *
     * @return the expression
     */
    @AttributeDefinition(name = "Pattern", description = "Regular expression; every match is replaced. "
            + "Default: runs of white space.")
    String pattern() default "\\s+";

    /**
     * The replacement.
     *
     * @return the replacement, in which $1 refers to a group
     */
    @AttributeDefinition(name = "Replacement", required = false,
            description = "Replacement text; $1, $2 refer to groups. Default: one space.")
    String replacement() default " ";
}
