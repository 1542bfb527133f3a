package goflow.plugin.records;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.context.Context;
import goflow.api.pipeline.Stage;

/**
 * The {@value #NAME} stage: parses one CSV line (RFC 4180 quoting: {@code "a, b"} is one field,
 * {@code ""} inside quotes is a quote) into a record keyed by the configured column names. A quote
 * opens a quoted section only at the start of a field (after white space at most): elsewhere, as
 * in {@code 5" screen}, it is an ordinary character. Fields
 * are not trimmed. A line with more fields than columns, or an unterminated quote, fails the item;
 * missing trailing fields are left out of the record, so an empty line (no field at all) gives an
 * empty record, as {@code parse-kv} gives for a blank line.
 *
 * <p>Immutable after construction, so thread-safe.
 */
@Component(service = Stage.class, configurationPid = ParseCsvConfig.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL,
        property = Stage.NAME_PROPERTY + "=" + ParseCsvStage.NAME)
@Designate(ocd = ParseCsvConfig.class)
public final class ParseCsvStage implements Stage<Object, Map<String, String>> {
    /** The stage's default name: {@value}. */
    public static final String NAME = "parse-csv";

    private final String name;
    private final List<String> columns;
    private final char delimiter;

    /**
     * Creates the stage from its configuration.
     *
     * @param config the configuration
     * @param properties the same configuration, as raw properties: a {@code columns} written on one
     *     line of a {@code .cfg} file is one text there, which DS would silently take as one name, and
     *     DS would take the first value of a list given as {@code delimiter}
     * @throws IllegalArgumentException if {@code columns} is one text with a comma (a blank one is
     *     the empty list), or {@code delimiter} is not one character or is a list of other than one
     *     value
     */
    @Activate
    public ParseCsvStage(ParseCsvConfig config, Map<String, Object> properties) {
        this(config.goflow_stage_name(),
                Records.names(config.goflow_stage_name(), "columns", config.columns(), properties),
                Records.single(config.goflow_stage_name(), "delimiter", config.delimiter(), properties));
    }

    /**
     * Creates the stage from plain values.
     *
     * @param name the stage's name
     * @param columns the column names, or empty for {@code c1, c2, ...}
     * @param delimiter the delimiter, one character
     * @throws IllegalArgumentException if the delimiter is not one character other than a quote, or
     *     a column name is blank or appears twice (the later field would replace the earlier one)
     */
    public ParseCsvStage(String name, List<String> columns, String delimiter) {
        if (delimiter.length() != 1 || delimiter.charAt(0) == '"') {
            throw new IllegalArgumentException("stage '" + name + "': delimiter '" + delimiter
                    + "' must be one character other than a double quote");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < columns.size(); i++) {
            String c = columns.get(i);
            if (c.isBlank() || !seen.add(c)) {
                throw new IllegalArgumentException("stage '" + name + "': column "
                        + (c.isBlank() ? (i + 1) + " '" + c + "' in columns " + columns + " is blank"
                                : "'" + c + "' appears twice in columns " + columns)
                        + "; each name must be unique and not blank");
            }
        }
        this.name = name;
        this.columns = List.copyOf(columns);
        this.delimiter = delimiter.charAt(0);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Map<String, String> process(Context ctx, Object input) {
        List<String> fields = fields(Records.line(name, input));
        if (!columns.isEmpty() && fields.size() > columns.size()) {
            throw new IllegalArgumentException("stage '" + name + "': " + fields.size() + " fields but only "
                    + columns.size() + " columns " + columns);
        }
        Map<String, String> record = new LinkedHashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            record.put(columns.isEmpty() ? "c" + (i + 1) : columns.get(i), fields.get(i));
        }
        return record;
    }

    private List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        if (line.isEmpty()) {
            return fields; // no field, rather than one empty field named after the first column
        }
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        // the field has had a character other than white space, or a quoted section: a quote now is a character
        boolean started = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && !started) {
                quoted = true;
                started = true;
            } else if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
                started = false;
            } else {
                field.append(c);
                started |= !Character.isWhitespace(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("stage '" + name + "': unterminated quote in " + Records.quote(line));
        }
        fields.add(field.toString());
        return fields;
    }
}
