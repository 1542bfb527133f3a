package goflow.plugin.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Helpers shared by the text stages. Stateless, so thread-safe. */
final class Texts {
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
                throw new IllegalArgumentException("stage '" + stage + "': " + property + " "
                        + (v instanceof String ? "'" + v + "'" : String.valueOf(v)) + " must be true or false");
            }
        }
        return absent;
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
