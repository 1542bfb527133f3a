package goflow.plugin.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.context.Context;
import goflow.api.pipeline.Stage;

/**
 * The {@value #NAME} stage, a regular expression filter: a list keeps the texts in which the
 * pattern is found; a single text passes unchanged when the pattern is found, else the item fails
 * with an error saying so (a pipeline item has exactly one output, so a filter on one text
 * rejects it). A match still running when the context is done (a timeout, a cancel) ends with
 * the context's exception.
 *
 * <p>Immutable after construction, so thread-safe.
 */
@Component(service = Stage.class, configurationPid = GrepConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = Stage.NAME_PROPERTY + "=" + GrepStage.NAME)
@Designate(ocd = GrepConfig.class)
public final class GrepStage implements Stage<Object, Object> {
    /** The stage's default name: {@value}. */
    public static final String NAME = "grep";

    private final String name;
    private final Pattern pattern;
    private final boolean invert;

    /**
     * Creates the stage from its configuration. {@code invert} is read from the raw properties, so
     * that a value other than true or false is rejected naming it (DS's own conversion would turn
     * {@code yes} into false, keeping the very texts meant to be dropped).
     *
     * @param config the configuration
     * @param properties the same configuration, as raw properties
     * @throws IllegalArgumentException if the pattern is invalid or a list of other than one value, or
     *     {@code invert} is neither true nor false
     */
    @Activate
    public GrepStage(GrepConfig config, Map<String, Object> properties) {
        this(config.goflow_stage_name(),
                Texts.single(config.goflow_stage_name(), "pattern", config.pattern(), properties),
                Texts.flag(config.goflow_stage_name(), "invert", properties, false));
    }

    /**
     * Creates the stage from plain values.
     *
     * @param name the stage's name
     * @param pattern the regular expression searched for
     * @param invert true to keep the texts that do not match
     * @throws IllegalArgumentException if the pattern is invalid
     */
    public GrepStage(String name, String pattern, boolean invert) {
        this.name = name;
        this.pattern = Texts.compile(name, "pattern", pattern);
        this.invert = invert;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Object process(Context ctx, Object input) {
        if (input instanceof List<?> list) {
            List<String> out = new ArrayList<>();
            for (Object o : list) {
                String s = Texts.text(name, o);
                if (keeps(ctx, s)) {
                    out.add(s);
                }
            }
            return out;
        }
        String s = Texts.text(name, input);
        if (!keeps(ctx, s)) {
            throw new IllegalArgumentException("stage '" + name + "': text " + (invert ? "matches" : "does not match")
                    + " /" + pattern.pattern() + "/");
        }
        return s;
    }

    private boolean keeps(Context ctx, String s) {
        return pattern.matcher(Texts.watched(ctx, s)).find() != invert;
    }
}
