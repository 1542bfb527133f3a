package ${package};

import java.util.Locale;
import java.util.Map;

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
     * Creates the stage from its configuration (Declarative Services). {@code upperCase} is read
     * from the raw properties: DS's own conversion of {@code config.upperCase()} would turn
     * {@code yes}, or {@code "true "} with the trailing space a {@code .cfg} line may keep, into
     * false without a word.
     *
     * @param config the configuration
     * @param properties the same configuration, as raw properties
     * @throws IllegalArgumentException if a value is invalid (the message names it)
     */
    @Activate
    public ReverseStage(ReverseConfig config, Map<String, Object> properties) {
        this(config.goflow_stage_name(), properties.containsKey("upperCase")
                ? upperCase(config.goflow_stage_name(), properties.get("upperCase")) : config.upperCase());
    }

    /**
     * Reads the configured upperCase.
     *
     * @param name the stage's name, for the error
     * @param value the raw value: a {@code Boolean}, or the text true or false (case and surrounding
     *     white space ignored; a {@code .cfg} file gives text)
     * @return the value
     * @throws IllegalArgumentException if the value is neither true nor false
     */
    static boolean upperCase(String name, Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        String text = value instanceof String s ? s.strip() : null;
        if ("true".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text)) {
            return "true".equalsIgnoreCase(text);
        }
        throw new IllegalArgumentException("stage '" + name + "': upperCase "
                + (value instanceof String ? "'" + value + "'" : value) + " must be true or false");
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
