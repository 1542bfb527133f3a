package goflow.shell;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Pattern;

import goflow.api.InvalidConfigException;

/**
 * Parses the numeric arguments of the shell commands from the text the user typed, so that a value
 * the target type cannot hold is refused with a message naming the command, the parameter, the
 * value as typed and the rule, instead of being clamped, rounded to infinity or zero, or refused
 * by Gogo's own coercion with an unclear "Cannot coerce" message. Digits are ASCII only: the JDK's
 * parsers also read other scripts' digits (Arabic-Indic, fullwidth, ...), which a terminal shows
 * as something else than the number they become.
 *
 * <p>Stateless and thread-safe.
 */
final class Args {
    /** A whole number as typed: an optional sign and ASCII digits. */
    private static final Pattern WHOLE = Pattern.compile("[+-]?[0-9]+");
    /** A decimal number as typed: sign, ASCII digits with an optional fraction, optional exponent. */
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?");

    private Args() {
    }

    /**
     * Parses a whole number in {@code [min, max]}.
     *
     * @param command the command, e.g. {@code goflow:capacity}
     * @param parameter the parameter's name
     * @param text what the user typed
     * @param min the smallest value allowed
     * @param max the largest value allowed
     * @param hint what the value means; empty for none
     * @return the value
     * @throws InvalidConfigException if the text is not a whole number in ASCII digits or is out of range
     */
    static long whole(String command, String parameter, String text, long min, long max, String hint) {
        String rule = "must be a whole number from " + min + " to " + max;
        String t = text == null ? "" : text.strip();
        if (!WHOLE.matcher(t).matches()) {
            throw new InvalidConfigException(command, parameter, text, rule, hint);
        }
        BigInteger value = new BigInteger(t);
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new InvalidConfigException(command, parameter, value, rule, hint);
        }
        return value.longValueExact();
    }

    /**
     * Parses an {@code int} in {@code [min, max]}.
     *
     * @param command the command
     * @param parameter the parameter's name
     * @param text what the user typed
     * @param min the smallest value allowed
     * @param max the largest value allowed, at most {@link Integer#MAX_VALUE}
     * @param hint what the value means; empty for none
     * @return the value
     * @throws InvalidConfigException if the text is not a whole number or is out of range
     */
    static int wholeInt(String command, String parameter, String text, int min, int max, String hint) {
        return (int) whole(command, parameter, text, min, max, hint);
    }

    /**
     * Parses a rate in events per second: a decimal number (such as {@code 50}, {@code 0.5} or
     * {@code 2e3}) that a {@code double} holds without becoming infinite or, when it is not zero,
     * zero; or {@code Infinity} for no limit. Negative numbers and {@code NaN} are passed on for
     * the limiter to refuse with its own rule.
     *
     * @param command the command
     * @param parameter the parameter's name
     * @param text what the user typed
     * @param hint what the value means; empty for none
     * @return the value
     * @throws InvalidConfigException if the text is not a number, or the number is too large or too
     *     small in magnitude to be a {@code double}
     */
    static double rate(String command, String parameter, String text, String hint) {
        String t = text == null ? "" : text.strip();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.equals("infinity") || lower.equals("+infinity")) {
            return Double.POSITIVE_INFINITY;
        }
        if (lower.equals("nan")) {
            return Double.NaN;
        }
        String rule = "must be a number of events per second from 0 to " + Double.MAX_VALUE + ", or Infinity";
        BigDecimal value;
        try {
            // ASCII only; BigDecimal also refuses an exponent beyond an int
            value = DECIMAL.matcher(t).matches() ? new BigDecimal(t) : null;
        } catch (NumberFormatException e) {
            value = null;
        }
        if (value == null) {
            throw new InvalidConfigException(command, parameter, text, rule, hint);
        }
        double d = value.doubleValue();
        if (Double.isInfinite(d)) {
            throw new InvalidConfigException(command, parameter, new Typed(t), rule
                    + " (a larger number would silently become Infinity)", hint);
        }
        if (d == 0 && value.signum() != 0) {
            throw new InvalidConfigException(command, parameter, new Typed(t), "must be 0 or at least "
                    + Double.MIN_VALUE + " in magnitude (a smaller number would silently become 0)", hint);
        }
        return d;
    }

    /** A number shown as the user typed it (unquoted, unlike a string that is not a number). */
    private record Typed(String text) {
        @Override
        public String toString() {
            return text;
        }
    }
}
