package goflow.plugin.text;

import java.util.ArrayList;
import java.util.List;
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
