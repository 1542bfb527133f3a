package ${package};

import java.util.Locale;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.context.Context;
import goflow.api.pipeline.Stage;

/**
 * The {@code ${stageName}} stage: returns its input text reversed (by code point), upper-cased if
 * so configured. A {@code Stage} service with {@code goflow.stage.name=${stageName}}: pipelines that
 * name {@code ${stageName}} among their stages use it while this bundle is active.
 *
 * <p>Immutable after construction, so thread-safe: one instance serves every execution of every
 * pipeline, from several threads at once. A configuration change makes DS replace the instance; calls
 * already running on the old one finish normally.
 */
@Component(service = Stage.class, configurationPid = ReverseConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = Stage.NAME_PROPERTY + "=" + ReverseStage.NAME)
@Designate(ocd = ReverseConfig.class)
public final class ReverseStage implements Stage<Object, String> {
    /** The stage's default name. */
    public static final String NAME = "${stageName}";

    private final String name;
    private final boolean upperCase;

    /**
     * Creates the stage from its configuration (Declarative Services).
     *
     * @param config the configuration
     */
    @Activate
    public ReverseStage(ReverseConfig config) {
        this(config.goflow_stage_name(), config.upperCase());
    }

    /**
     * Creates the stage from plain values (tests, or a plain JVM with {@code Stage} lists).
     *
     * @param name the stage's name
     * @param upperCase whether to upper-case the output
     * @throws IllegalArgumentException if the name is blank
     */
    public ReverseStage(String name, boolean upperCase) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("stage '" + NAME + "': goflow.stage.name '" + name
                    + "' must not be blank");
        }
        this.name = name;
        this.upperCase = upperCase;
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Reverses the input's text.
     *
     * @param ctx the execution's context (this stage is quick, so it does not need to check it)
     * @param input the input; its {@code toString()} is reversed
     * @return the reversed text
     * @throws IllegalArgumentException if the input is null; the pipeline reports it as this stage's error
     */
    @Override
    public String process(Context ctx, Object input) {
        if (input == null) {
            throw new IllegalArgumentException("stage '" + name + "': the input is null (expected text)");
        }
        String reversed = new StringBuilder(input.toString()).reverse().toString();
        return upperCase ? reversed.toUpperCase(Locale.ROOT) : reversed;
    }
}
