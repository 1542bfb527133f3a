package goflow.impl.internal;

import java.time.Duration;

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
     * Validates a primitive name: non-empty, at most 128 characters, no whitespace or control
     * characters (names appear in shell tables, JMX object names and service properties).
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
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || c == ',' || c == '=' || c == ':'
                    || c == '"' || c == '*' || c == '?') {
                throw new InvalidConfigException(component, "name", name,
                        "must not contain whitespace, control characters or any of , = : \" * ?",
                        "use letters, digits, '-', '_' and '.'");
            }
        }
        return name;
    }
}
