package goflow.plugin.records;

import java.util.LinkedHashMap;
import java.util.Map;

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
