package goflow.plugin.records;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.context.Context;
import goflow.api.pipeline.Stage;

/**
 * The {@value #NAME} stage: parses {@code "id=7 customer=ann amount=12.50"} into the ordered
 * record {@code {id=7, customer=ann, amount=12.50}}. A part without {@code =} or with an empty
 * key fails the item with an error quoting it; a repeated key keeps the last value. A separator
 * match still running when the context is done (a timeout, a cancel) ends with the context's
 * exception.
 *
 * <p>Immutable after construction, so thread-safe.
 */
@Component(service = Stage.class, configurationPid = ParseKeyValueConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = Stage.NAME_PROPERTY + "=" + ParseKeyValueStage.NAME)
@Designate(ocd = ParseKeyValueConfig.class)
public final class ParseKeyValueStage implements Stage<Object, Map<String, String>> {
    /** The stage's default name: {@value}. */
    public static final String NAME = "parse-kv";

    private final String name;
    private final Pattern separator;

    /**
     * Creates the stage from its configuration.
     *
     * @param config the configuration
     * @param properties the same configuration, as raw properties: DS would take the first value of
     *     a list given as {@code separator}
     * @throws IllegalArgumentException if the separator is invalid, matches the empty text, or is a
     *     list of other than one value
     */
    @Activate
    public ParseKeyValueStage(ParseKeyValueConfig config, Map<String, Object> properties) {
        this(config.goflow_stage_name(),
                Records.single(config.goflow_stage_name(), "separator", config.separator(), properties));
    }

    /**
     * Creates the stage from plain values.
     *
     * @param name the stage's name
     * @param separator the regular expression between pairs
     * @throws IllegalArgumentException if the separator is invalid, or matches the empty text (it
     *     would split between every two characters, so that no line could be parsed)
     */
    public ParseKeyValueStage(String name, String separator) {
        this.name = name;
        try {
            this.separator = Pattern.compile(separator);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("stage '" + name + "': separator '" + separator
                    + "' is not a valid regular expression: " + e.getDescription(), e);
        }
        if (this.separator.matcher("").matches()) {
            throw new IllegalArgumentException("stage '" + name + "': separator '" + separator + "' matches the empty "
                    + "text, so it would split between every two characters; it must match at least one character "
                    + "(e.g. + rather than *)");
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, String> process(Context ctx, Object input) {
        Map<String, String> record = new LinkedHashMap<>();
        for (String part : separator.split(Records.watched(ctx, Records.line(name, input).strip()))) {
            if (part.isEmpty()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("stage '" + name + "': " + Records.quote(part) + " is not a key=value pair");
            }
            record.put(part.substring(0, eq), part.substring(eq + 1));
        }
        return record;
    }
}
