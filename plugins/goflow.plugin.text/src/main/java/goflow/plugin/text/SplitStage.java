package goflow.plugin.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.context.Context;
import goflow.api.pipeline.Stage;

/**
 * The {@value #NAME} stage: splits a text into the list of its non-empty parts around a separator
 * (by default white space, giving the words). A list input is flattened: each text is split and
 * the parts concatenated. A text is never split between the two halves of a surrogate pair, so a
 * separator matching the empty text ({@code ""}) gives its characters, an emoji as one. A match
 * still running when the context is done (a timeout, a cancel) ends with the context's exception.
 *
 * <p>Immutable after construction, so thread-safe.
 */
@Component(service = Stage.class, configurationPid = SplitConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = Stage.NAME_PROPERTY + "=" + SplitStage.NAME)
@Designate(ocd = SplitConfig.class)
public final class SplitStage implements Stage<Object, List<String>> {
    /** The stage's default name: {@value}. */
    public static final String NAME = "split";

    private final String name;
    private final Pattern separator;

    /**
     * Creates the stage from its configuration.
     *
     * @param config the configuration
     * @param properties the same configuration, as raw properties: DS would take the first value of
     *     a list given as {@code separator}
     * @throws IllegalArgumentException if the separator is invalid or a list of other than one value
     */
    @Activate
    public SplitStage(SplitConfig config, Map<String, Object> properties) {
        this(config.goflow_stage_name(),
                Texts.single(config.goflow_stage_name(), "separator", config.separator(), properties));
    }

    /**
     * Creates the stage from plain values.
     *
     * @param name the stage's name
     * @param separator the regular expression between parts
     * @throws IllegalArgumentException if the separator is invalid
     */
    public SplitStage(String name, String separator) {
        this.name = name;
        this.separator = Texts.compile(name, "separator", separator);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> process(Context ctx, Object input) {
        List<String> out = new ArrayList<>();
        if (input instanceof List<?> list) {
            for (Object o : list) {
                split(ctx, Texts.text(name, o), out);
            }
        } else {
            split(ctx, Texts.text(name, input), out);
        }
        return out;
    }

    private void split(Context ctx, String s, List<String> out) {
        Matcher m = separator.matcher(Texts.watched(ctx, s));
        int from = 0;
        while (m.find()) {
            if (Texts.boundary(s, m.start()) && Texts.boundary(s, m.end())) {
                add(s.substring(from, m.start()), out);
                from = m.end();
            }
        }
        add(s.substring(from), out);
    }

    private static void add(String part, List<String> out) {
        if (!part.isEmpty()) {
            out.add(part);
        }
    }
}
