package goflow.impl.internal;

import java.time.Duration;
import java.util.Locale;

import goflow.api.InvalidConfigException;

/**
 * Argument validation that names the component, field, value and rule, throwing
 * {@link InvalidConfigException}. Stateless.
 */
public final class Check {
    private Check() {
    }

    /**
     * Rejects {@code null}.
     *
     * @param <T> the value type
     * @param component what is being configured
     * @param field the field name
     * @param value the value
     * @return the value
     */
    public static <T> T notNull(String component, String field, T value) {
        if (value == null) {
            throw new InvalidConfigException(component, field, null, "must not be null", "");
        }
        return value;
    }

    /**
     * Requires {@code value > 0}.
     *
     * @param component what is being configured
     * @param field the field name
     * @param value the value
     * @param hint what the field means
     * @return the value
     */
    public static long positive(String component, String field, long value, String hint) {
        if (value <= 0) {
            throw new InvalidConfigException(component, field, value, "must be positive", hint);
        }
        return value;
    }

    /**
     * Requires {@code value >= 0}.
     *
     * @param component what is being configured
     * @param field the field name
     * @param value the value
     * @param hint what the field means
     * @return the value
     */
    public static long notNegative(String component, String field, long value, String hint) {
        if (value < 0) {
            throw new InvalidConfigException(component, field, value, "must not be negative", hint);
        }
        return value;
    }

    /**
     * Requires a finite or infinite, non-NaN, non-negative number.
     *
     * @param component what is being configured
     * @param field the field name
     * @param value the value
     * @param hint what the field means
     * @return the value
     */
    public static double notNegative(String component, String field, double value, String hint) {
        if (Double.isNaN(value)) {
            throw new InvalidConfigException(component, field, value, "must be a number, not NaN", hint);
        }
        if (value < 0) {
            throw new InvalidConfigException(component, field, value, "must not be negative", hint);
        }
        return value;
    }

    /**
     * Requires a non-null, strictly positive duration.
     *
     * @param component what is being configured
     * @param field the field name
     * @param value the value
     * @param hint what the field means
     * @return the value
     */
    public static Duration positive(String component, String field, Duration value, String hint) {
        notNull(component, field, value);
        if (value.isZero() || value.isNegative()) {
            throw new InvalidConfigException(component, field, value, "must be positive", hint);
        }
        return value;
    }

    /**
     * Requires a non-null, zero or positive duration.
     *
     * @param component what is being configured
     * @param field the field name
     * @param value the value
     * @param hint what the field means
     * @return the value
     */
    public static Duration notNegative(String component, String field, Duration value, String hint) {
        notNull(component, field, value);
        if (value.isNegative()) {
            throw new InvalidConfigException(component, field, value, "must not be negative", hint);
        }
        return value;
    }

    /**
     * Fails if a builder field was already set: each builder setter may be called once.
     *
     * @param component what is being configured
     * @param field the field name
     * @param alreadySet whether it was set before
     * @param value the new value
     */
    public static void setOnce(String component, String field, boolean alreadySet, Object value) {
        if (alreadySet) {
            throw new InvalidConfigException(component, field, value, "was already set",
                    "set each builder field once");
        }
    }

    /**
     * Validates a primitive name: non-empty, at most 128 characters, no whitespace (Unicode spaces
     * such as the no-break space included), control characters, invisible formatting characters
     * (zero-width spaces, bidirectional overrides, byte-order marks) or unpaired surrogates. Names
     * appear in shell tables, JMX object names, service properties and metric labels: a name with
     * invisible characters looks like another name, and an unpaired surrogate, which UTF-8 cannot
     * encode, becomes {@code ?} there and so could become another name.
     *
     * @param component what is being configured
     * @param name the proposed name
     * @return the name
     */
    public static String name(String component, String name) {
        notNull(component, "name", name);
        if (name.isEmpty() || name.length() > 128) {
            throw new InvalidConfigException(component, "name", name, "must have 1 to 128 characters", "");
        }
        for (int i = 0; i < name.length(); ) {
            char c = name.charAt(i);
            int cp = c;
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                cp = Character.toCodePoint(c, name.charAt(i + 1));
            } else if (Character.isSurrogate(c)) {
                throw new InvalidConfigException(component, "name", name,
                        String.format(Locale.ROOT, "must not contain an unpaired surrogate (U+%04X at index %d)",
                                (int) c, i),
                        "it has no UTF-8 encoding and shows as '?' in metrics and logs; use letters, digits, '-', '_'"
                                + " and '.'");
            }
            if (Character.isWhitespace(cp) || Character.isSpaceChar(cp) || Character.isISOControl(cp) || cp == ','
                    || cp == '=' || cp == ':' || cp == '"' || cp == '*' || cp == '?') {
                throw new InvalidConfigException(component, "name", name,
                        "must not contain whitespace, control characters or any of , = : \" * ?",
                        "use letters, digits, '-', '_' and '.'");
            }
            if (Character.getType(cp) == Character.FORMAT) {
                throw new InvalidConfigException(component, "name", name,
                        String.format(Locale.ROOT,
                                "must not contain invisible formatting characters (U+%04X at index %d)", cp, i),
                        "such a name looks like another one in tables and logs; use letters, digits, '-', '_' and '.'");
            }
            i += Character.charCount(cp);
        }
        return name;
    }
}
