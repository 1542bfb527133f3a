package goflow.plugin.text;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the {@code grep} stage (PID {@value #PID}; optional). */
@ObjectClassDefinition(id = GrepConfig.PID, name = "goflow grep stage",
        description = "Keeps the texts in which a regular expression is found.")
public @interface GrepConfig {
    /** The configuration PID. */
    String PID = "goflow.plugin.text.grep";

    /**
     * The stage's name.
     *
     * @return the name; a factory configuration of this PID with another name adds a second stage
     */
    @AttributeDefinition(name = "Stage name", description = "The goflow.stage.name of this stage.")
    String goflow_stage_name() default GrepStage.NAME;

    /**
     * The regular expression searched for in each text.
     *
     * @return the expression
     */
    @AttributeDefinition(name = "Pattern", description = "Regular expression searched for (find, not a whole match). "
            + "Default: any non-space character, which drops blank texts.")
    String pattern() default "\\S";

    /**
     * Whether to keep the texts that do not match instead.
     *
     * @return true to invert
     */
    @AttributeDefinition(name = "Invert", description = "Keep the texts that do NOT match instead: true or false "
            + "(any other value fails the configuration).")
    boolean invert() default false;
}
