package goflow.plugin.text;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.context.Context;
import goflow.api.pipeline.Stage;

/**
 * The {@value #NAME} stage: replaces every match of a regular expression in a text or in each
 * text of a list, never between the two halves of a surrogate pair (a pattern matching the empty
 * text inserts the replacement between characters, not inside an emoji). By default it collapses
 * runs of white space into one space. A match still running when the context is done (a
 * timeout, a cancel) ends with the context's exception.
 *
 * <p>Immutable after construction, so thread-safe.
 */
@Component(service = Stage.class, configurationPid = ReplaceConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = Stage.NAME_PROPERTY + "=" + ReplaceStage.NAME)
@Designate(ocd = ReplaceConfig.class)
public final class ReplaceStage implements Stage<Object, Object> {
    /** The stage's default name: {@value}. */
    public static final String NAME = "replace";

    private final String name;
    private final Pattern pattern;
    private final String replacement;

    /**
     * Creates the stage from its configuration.
     *
     * @param config the configuration
     * @param properties the same configuration, as raw properties: DS would take the first value of
     *     a list given as {@code pattern} or {@code replacement}
     * @throws IllegalArgumentException if the pattern is invalid, the replacement cannot be applied
     *     to it, or either is a list of other than one value
     */
    @Activate
    public ReplaceStage(ReplaceConfig config, Map<String, Object> properties) {
        this(config.goflow_stage_name(),
                Texts.single(config.goflow_stage_name(), "pattern", config.pattern(), properties),
                Texts.single(config.goflow_stage_name(), "replacement", config.replacement(), properties));
    }

    /**
     * Creates the stage from plain values.
     *
     * @param name the stage's name
     * @param pattern the regular expression to replace
     * @param replacement the replacement ({@code $1} refers to a group)
     * @throws IllegalArgumentException if the pattern is invalid, or the replacement names a group
     *     the pattern does not have or ends with a lone {@code $} or {@code \}
     */
    public ReplaceStage(String name, String pattern, String replacement) {
        this.name = name;
        this.pattern = Texts.compile(name, "pattern", pattern);
        this.replacement = replacement;
        check(name, this.pattern, replacement);
    }

    /**
     * Applies the replacement once, so that a wrong one fails the configuration instead of every
     * item. The pattern is tried as {@code (?:pattern)|}, which has the same groups and matches the
     * empty text; a pattern that does not survive the wrapping (a trailing comment, an open
     * {@code \Q}) is not checked.
     */
    private static void check(String name, Pattern pattern, String replacement) {
        Pattern trial;
        try {
            trial = Pattern.compile("(?:" + pattern.pattern() + ")|", pattern.flags());
        } catch (PatternSyntaxException e) {
            return;
        }
        try {
            trial.matcher("").replaceAll(replacement);
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("stage '" + name + "': replacement '" + replacement
                    + "' cannot be applied to pattern '" + pattern.pattern() + "': " + e.getMessage()
                    + " (a literal $ or \\ is written \\$ or \\\\)", e);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Object process(Context ctx, Object input) {
        return Texts.map(name, input, s -> replace(ctx, s));
    }

    private String replace(Context ctx, String s) {
        Matcher m = pattern.matcher(Texts.watched(ctx, s));
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            if (Texts.boundary(s, m.start()) && Texts.boundary(s, m.end())) {
                m.appendReplacement(out, replacement);
            }
        }
        return m.appendTail(out).toString();
    }
}
