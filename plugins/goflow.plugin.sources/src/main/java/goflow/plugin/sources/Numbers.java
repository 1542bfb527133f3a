package goflow.plugin.sources;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads configured whole numbers from the raw configuration properties. Stateless, so thread-safe.
 *
 * <p>Why not the component property type: DS converts its attributes itself, and a value it cannot
 * convert ({@code maxLineLength = many}, or {@code "5 "} with a trailing space) fails the
 * activation with an error that does not name the property, while a {@code long} too large for an
 * {@code int} is silently truncated ({@code 4294967313} becomes 17) and a fraction or NaN silently
 * become a whole number ({@code 1.5} becomes 1, NaN becomes 0).
 */
final class Numbers {
    private static final Pattern WHOLE = Pattern.compile("[+-]?\\d+");

    private Numbers() {
    }

    /**
     * Reads an {@code int} property: a whole number (digits, or an integral number object) from
     * {@code min} to {@code max}; absent means {@code absent}. Property names are matched without
     * regard to case, as Configuration Admin does.
     *
     * @param source the source's name, for errors
     * @param property the configuration property
     * @param properties the raw configuration properties
     * @param absent the value when the property is not set
     * @param min the least value allowed
     * @param max the greatest value allowed
     * @return the value
     * @throws IllegalArgumentException naming the source, the property, the value and the rule when
     *     the value is not a whole number in range
     */
    static int intProperty(String source, String property, Map<String, ?> properties, int absent, int min,
            int max) {
        return (int) longProperty(source, property, properties, absent, min, max);
    }

    /**
     * Reads a {@code long} property: a whole number (digits, or an integral number object) from
     * {@code min} to {@code max}; absent means {@code absent}. Property names are matched without
     * regard to case, as Configuration Admin does.
     *
     * @param source the source's name, for errors
     * @param property the configuration property
     * @param properties the raw configuration properties
     * @param absent the value when the property is not set
     * @param min the least value allowed
     * @param max the greatest value allowed
     * @return the value
     * @throws IllegalArgumentException naming the source, the property, the value and the rule when
     *     the value is not a whole number in range
     */
    static long longProperty(String source, String property, Map<String, ?> properties, long absent, long min,
            long max) {
        for (Map.Entry<String, ?> e : properties.entrySet()) {
            if (e.getKey().equalsIgnoreCase(property)) {
                return whole(source, property, e.getValue(), min, max);
            }
        }
        return absent;
    }

    /**
     * Checks a whole number that must fit an {@code int}.
     *
     * @param source the source's name, for errors
     * @param property the configuration property
     * @param value the value: a number, or text
     * @param min the least value allowed
     * @param max the greatest value allowed
     * @return the value
     * @throws IllegalArgumentException naming the source, the property, the value and the rule when
     *     the value is not a whole number from {@code min} to {@code max}
     */
    static int whole(String source, String property, Object value, int min, int max) {
        return (int) whole(source, property, value, (long) min, (long) max);
    }

    /**
     * Checks a whole number.
     *
     * @param source the source's name, for errors
     * @param property the configuration property
     * @param value the value: a number, or text
     * @param min the least value allowed
     * @param max the greatest value allowed
     * @return the value
     * @throws IllegalArgumentException naming the source, the property, the value and the rule when
     *     the value is not a whole number from {@code min} to {@code max}
     */
    static long whole(String source, String property, Object value, long min, long max) {
        BigDecimal n = null;
        if (value instanceof Number) {
            try {
                n = new BigDecimal(value.toString());
            } catch (NumberFormatException e) {
                n = null; // NaN, Infinity
            }
        } else if (value instanceof String s && WHOLE.matcher(s.strip()).matches()) {
            n = new BigDecimal(s.strip());
        }
        if (n == null || n.stripTrailingZeros().scale() > 0 || n.compareTo(BigDecimal.valueOf(min)) < 0
                || n.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new IllegalArgumentException("source '" + source + "': " + property + " " + shown(value)
                    + " must be a whole number from " + min + " to " + max);
        }
        return n.longValueExact();
    }

    private static String shown(Object value) {
        if (value instanceof String) {
            return "'" + value + "'";
        }
        if (value != null && value.getClass().isArray()) {
            List<Object> items = new ArrayList<>();
            for (int i = 0; i < Array.getLength(value); i++) {
                items.add(Array.get(value, i));
            }
            return items.toString();
        }
        return String.valueOf(value);
    }
}
