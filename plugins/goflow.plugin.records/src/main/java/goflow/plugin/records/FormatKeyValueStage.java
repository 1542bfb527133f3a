package goflow.plugin.records;

import java.util.Map;
import java.util.StringJoiner;

import org.osgi.service.component.annotations.Component;

import goflow.api.context.Context;
import goflow.api.pipeline.Stage;

/**
 * The {@value #NAME} stage: turns a record into a {@code key=value} line, fields separated by one
 * space, in the record's order; the inverse of {@code parse-kv} for values without separators. A
 * field without a value (null) is written {@code key=}, as an empty value, not as the text
 * {@code null} that {@code parse-kv} would read back as a value.
 *
 * <p>Stateless, so thread-safe.
 */
@Component(service = Stage.class, property = Stage.NAME_PROPERTY + "=" + FormatKeyValueStage.NAME)
public final class FormatKeyValueStage implements Stage<Object, String> {
    /** The stage's name: {@value}. */
    public static final String NAME = "format-kv";

    /** Creates the stage. */
    public FormatKeyValueStage() {
        // stateless
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String process(Context ctx, Object input) {
        StringJoiner line = new StringJoiner(" ");
        for (Map.Entry<String, String> e : Records.record(NAME, input).entrySet()) {
            line.add(e.getKey() + "=" + (e.getValue() == null ? "" : e.getValue()));
        }
        return line.toString();
    }
}
