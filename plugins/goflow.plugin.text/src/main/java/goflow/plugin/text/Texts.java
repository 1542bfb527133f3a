package goflow.plugin.text;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import goflow.api.context.Context;

/** Helpers shared by the text stages. Stateless, so thread-safe. */
final class Texts {
    /** A regular expression reads this many characters between two checks of the context. */
    private static final int CHECK_EVERY = 1 << 12;

    private Texts() {
    }

    /**
     * Applies {@code fn} to a text, or to each text of a list.
     *
     * @param stage the stage's name, for errors
     * @param input a {@link CharSequence} or a {@link List} of them
     * @param fn what to do with one text
     * @return the text or the new list
     * @throws IllegalArgumentException naming the stage and the type when the input is neither
     */
    static Object map(String stage, Object input, UnaryOperator<String> fn) {
        if (input instanceof CharSequence cs) {
            return fn.apply(cs.toString());
        }
        if (input instanceof List<?> list) {
            List<String> out = new ArrayList<>(list.size());
            for (Object o : list) {
                out.add(fn.apply(text(stage, o)));
            }
            return out;
        }
        throw wrongType(stage, input);
    }

    /**
     * Returns the input as a text.
     *
     * @param stage the stage's name, for errors
     * @param input the input
     * @return the text
     * @throws IllegalArgumentException if the input is not a {@link CharSequence}
     */
    static String text(String stage, Object input) {
        if (input instanceof CharSequence cs) {
            return cs.toString();
        }
        throw wrongType(stage, input);
    }

    static IllegalArgumentException wrongType(String stage, Object input) {
        return new IllegalArgumentException("stage '" + stage + "' expects a text or a list of texts, got "
                + (input == null ? "null" : input.getClass().getName()));
    }

    /**
     * Reads a {@code boolean} property from the raw configuration properties: a {@link Boolean}, or
     * the text {@code true} or {@code false} (case and surrounding white space ignored); absent means
     * {@code absent}. Property names are matched without regard to case, as Configuration Admin does.
     * Not the component property type's attribute: DS turns any text but {@code true} (so
     * {@code yes}, {@code on}, {@code 1}, or {@code "true "} with the trailing space a {@code .cfg}
     * line may keep) into false, and any number but 0 into true, without a word.
     *
     * @param stage the stage's name, for errors
     * @param property the configuration property
     * @param properties the raw configuration properties
     * @param absent the value when the property is not set
     * @return the value
     * @throws IllegalArgumentException naming the stage, the property, the value and the rule when
     *     the value is neither true nor false
     */
    static boolean flag(String stage, String property, Map<String, ?> properties, boolean absent) {
        for (Map.Entry<String, ?> e : properties.entrySet()) {
            if (e.getKey().equalsIgnoreCase(property)) {
                Object v = e.getValue();
                if (v instanceof Boolean b) {
                    return b;
                }
                String text = v instanceof String s ? s.strip() : null;
                if ("true".equalsIgnoreCase(text) || "false".equalsIgnoreCase(text)) {
                    return "true".equalsIgnoreCase(text);
                }
                throw new IllegalArgumentException("stage '" + stage + "': " + property + " " + shown(v)
                        + " must be true or false");
            }
        }
        return absent;
    }

    /** A configured value as an error shows it: a text quoted, a list (an array too) with its values. */
    private static String shown(Object v) {
        if (v != null && v.getClass().isArray()) {
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < Array.getLength(v); i++) {
                values.add(Array.get(v, i));
            }
            return values.toString();
        }
        return v instanceof String ? "'" + v + "'" : String.valueOf(v);
    }

    /**
     * Returns a configured text, refusing a list of other than one value where one text is
     * expected: DS would take the first value of the list ({@code pattern=["err","warn"]} in a
     * {@code .config} file greps for {@code err} only) and null for an empty one, without a word. A
     * list of one is that value. Property names are matched without regard to case, as
     * Configuration Admin does.
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
     * Tells whether a match of a regular expression may start or end at {@code index}: not between
     * the two halves of a surrogate pair. The JDK's regular expressions read a pair as one
     * character, but after a match of the empty text they try again one UTF-16 unit further, so
     * that {@code ""}, {@code \s*} and the like also match inside a pair; a split or replacement
     * there would leave two lone surrogates, which are no text (UTF-8 cannot encode them).
     *
     * @param text the text matched
     * @param index a match's start or end
     * @return false if {@code index} is between a high and a low surrogate
     */
    static boolean boundary(String text, int index) {
        return index == 0 || index == text.length() || !Character.isHighSurrogate(text.charAt(index - 1))
                || !Character.isLowSurrogate(text.charAt(index));
    }

    /**
     * Compiles a configured regular expression.
     *
     * @param stage the stage's name
     * @param property the configuration property
     * @param regex the expression
     * @return the pattern
     * @throws IllegalArgumentException naming the stage, the property and the syntax error
     */
    static Pattern compile(String stage, String property, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("stage '" + stage + "': " + property + " '" + regex
                    + "' is not a valid regular expression: " + e.getDescription(), e);
        }
    }
}
