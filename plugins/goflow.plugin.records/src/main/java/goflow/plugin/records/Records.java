package goflow.plugin.records;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** Helpers shared by the record stages. Stateless, so thread-safe. */
final class Records {
    private Records() {
    }

    /**
     * Returns the input as a record.
     *
     * @param stage the stage's name, for errors
     * @param input the input
     * @return an ordered copy with string keys and values
     * @throws IllegalArgumentException naming the stage and the type when the input is not a map
     */
    static Map<String, String> record(String stage, Object input) {
        if (!(input instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("stage '" + stage + "' expects a record (a Map), got "
                    + (input == null ? "null" : input.getClass().getName()));
        }
        Map<String, String> out = new LinkedHashMap<>();
        map.forEach((k, v) -> out.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        return out;
    }

    /**
     * Returns the input as a line of text.
     *
     * @param stage the stage's name, for errors
     * @param input the input
     * @return the text
     * @throws IllegalArgumentException naming the stage and the type when the input is not text
     */
    static String line(String stage, Object input) {
        if (input instanceof CharSequence cs) {
            return cs.toString();
        }
        throw new IllegalArgumentException("stage '" + stage + "' expects a line of text, got "
                + (input == null ? "null" : input.getClass().getName()));
    }

    /**
     * Returns a configured list of names, refusing one written on one line of a {@code .cfg} file.
     * A {@code .cfg} file is Java properties, so {@code fields = id,amount} reaches DS as the text
     * {@code "id,amount"}, which DS turns into a list of that one name without a word. A single
     * text with a comma is therefore refused; a blank one ({@code fields =}) is the empty list, not
     * a list of one blank name; any other single text is a list of one; and a typed list (from a
     * {@code .config} file or the API) is taken as it is, commas and all.
     * Property names are matched without regard to case, as Configuration Admin does.
     *
     * @param stage the stage's name, for errors
     * @param property the configuration property
     * @param converted the list as DS converted it
     * @param properties the raw configuration properties
     * @return the names
     * @throws IllegalArgumentException naming the stage, the property, the value and the format a
     *     list needs when the raw value is one text with a comma
     */
    static List<String> names(String stage, String property, String[] converted, Map<String, ?> properties) {
        for (Map.Entry<String, ?> e : properties.entrySet()) {
            if (!e.getKey().equalsIgnoreCase(property) || !(e.getValue() instanceof String text)) {
                continue;
            }
            if (text.isBlank()) {
                return List.of();
            }
            if (text.contains(",")) {
                StringJoiner typed = new StringJoiner("\",\"", property + "=[\"", "\"]");
                for (String name : text.split(",")) {
                    typed.add(name.strip());
                }
                throw new IllegalArgumentException("stage '" + stage + "': " + property + " '" + text
                        + "' is one text, not a list: in a .cfg file a list needs the .config format: " + typed);
            }
        }
        return List.of(converted);
    }

    /**
     * Quotes a piece of the input for an error message, shortened when it is long.
     *
     * @param text the text
     * @return {@code 'text'}, or its first 57 characters, {@code ...'} and the length
     */
    static String quote(String text) {
        return text.length() <= 60 ? "'" + text + "'"
                : "'" + text.substring(0, 57) + "...' (" + text.length() + " characters)";
    }
}
