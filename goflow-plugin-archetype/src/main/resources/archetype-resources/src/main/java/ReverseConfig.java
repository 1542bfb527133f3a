package ${package};

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The configuration of the {@code ${stageName}} stage, with Metatype: PID {@code ${package}.${stageName.replace('-', '')}}
 * (the stage's name without its dashes: a dash in a configuration file's name makes it a factory
 * configuration). It is optional; without it the stage runs with the defaults below. In the goflow
 * container, put it in {@code deploy/${package}.${stageName.replace('-', '')}.cfg}; in Karaf, in {@code etc/}.
 */
@ObjectClassDefinition(id = ReverseConfig.PID, name = "${stageName} stage",
        description = "Reverses the characters of each input text.")
public @interface ReverseConfig {
    /** The configuration PID. */
    String PID = "${package}.${stageName.replace('-', '')}";

    /**
     * The stage's name, the service property {@code goflow.stage.name} that pipelines find it by.
     *
     * @return the name
     */
    @AttributeDefinition(name = "Stage name", description = "The goflow.stage.name of this stage.")
    String goflow_stage_name() default ReverseStage.NAME;

    /**
     * Whether the output is upper-cased.
     *
     * @return true to upper-case the reversed text
     */
    @AttributeDefinition(name = "Upper case", description = "Upper-case the reversed text. Default: false.")
    boolean upperCase() default false;
}
