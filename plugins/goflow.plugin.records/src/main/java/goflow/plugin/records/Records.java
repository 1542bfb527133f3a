package goflow.plugin.records;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import goflow.api.context.Context;

/** Helpers shared by the record stages. Stateless, so thread-safe. */
final class Records {
    /** A regular expression reads this many characters between two checks of the context. */
    private static final int CHECK_EVERY = 1 << 12;

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
     * Returns a configured text, refusing a list of other than one value where one text is
     * expected: DS would take the first value of the list ({@code field=["received","at"]} in a
     * {@code .config} file names the field {@code received} only) and null for an empty one,
     * without a word. A list of one is that value. Property names are matched without regard to
     * case, as Configuration Admin does.
     *
     * @param stage the stage's name, for errors
     * @param property the configuration property
     * @param converted the text as DS converted it
     * @param properties the raw configuration properties
     * @return {@code converted}
     * @throws IllegalArgumentException naming the stage, the property, the value and the rule when
     *     the raw value is an array or a collection of other than one value
     */
    static String single(String stage, String property, String converted, Map<String, ?> properties) {
        for (Map.Entry<String, ?> e : properties.entrySet()) {
            if (!e.getKey().equalsIgnoreCase(property)) {
                continue;
            }
            List<Object> values = new ArrayList<>();
            if (e.getValue() instanceof Collection<?> c) {
                values.addAll(c);
            } else if (e.getValue() != null && e.getValue().getClass().isArray()) {
                for (int i = 0; i < Array.getLength(e.getValue()); i++) {
                    values.add(Array.get(e.getValue(), i));
                }
            } else {
                continue;
            }
            if (values.size() != 1) {
                throw new IllegalArgumentException("stage '" + stage + "': " + property + " " + values
                        + " must be one text, not a list of " + values.size());
            }
        }
        return converted;
    }

    /**
     * Returns the text for a regular expression to read, checking the context as it is read. A
     * regular expression neither checks a context nor answers an interrupt, and some backtrack for
     * longer than anyone waits ({@code ((a+)+)+b} on a long run of a's): read through this, the
     * match ends with the context's exception, once the pipeline's timeout passes or the run is
     * cancelled, instead of keeping the stage's thread busy after it.
     *
     * @param ctx the context of the call
     * @param text the text
     * @return the same characters
     */
    static CharSequence watched(Context ctx, String text) {
        return new Watched(ctx, text);
    }

    /**
     * A text that checks a context every {@link #CHECK_EVERY} characters read. Not thread-safe:
     * one per call, read by the calling thread.
     */
    private static final class Watched implements CharSequence {
        private final Context ctx;
        private final String text;
        private int reads;

        Watched(Context ctx, String text) {
            this.ctx = ctx;
            this.text = text;
        }

        @Override
        public char charAt(int index) {
            if (++reads == CHECK_EVERY) {
                reads = 0;
                ctx.throwIfDone();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.substring(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
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
