package goflow.api;

import java.io.Serial;
import java.util.Locale;
import java.util.Objects;

/**
 * Thrown when a configuration value is rejected: by a builder setter, a factory, a live setter such
 * as {@code setRate}, or a Configuration Admin property. It names the component, the field, the
 * offending value, the rule it broke and, when useful, a hint on how to fix it. Nothing is created
 * or changed when it is thrown.
 *
 * <p>The message has the form {@code "<component>: invalid <field>=<value> (<rule>) - <hint>"}, for
 * example {@code "token-bucket: invalid burst=0 (must be positive) - burst is the number of tokens
 * that can be taken at once"}. In a text value, control characters, line separators, invisible
 * formatting characters and unpaired surrogates are shown as Java escapes (a name {@code "a<TAB>b"}
 * reads <code>invalid name="a&#92;tb"</code>), so the message is one line that shows what is wrong;
 * {@link #value()} returns the value as given.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class InvalidConfigException extends GoFlowException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String component;
    private final String field;
    private final transient Object value;
    private final String rule;
    private final String hint;

    /**
     * Creates the exception.
     *
     * @param component the kind or name of what was being configured, e.g. {@code "token-bucket"}
     * @param field the name of the rejected field, e.g. {@code "burst"}
     * @param value the rejected value, may be {@code null}
     * @param rule the rule the value broke, e.g. {@code "must be positive"}
     * @param hint how to fix it; empty when there is nothing to add
     */
    public InvalidConfigException(String component, String field, Object value, String rule, String hint) {
        super(format(component, field, value, rule, hint));
        this.component = Objects.requireNonNull(component, "component");
        this.field = Objects.requireNonNull(field, "field");
        this.value = value;
        this.rule = Objects.requireNonNull(rule, "rule");
        this.hint = hint == null ? "" : hint;
    }

    private static String format(String component, String field, Object value, String rule, String hint) {
        String shown = value instanceof CharSequence ? "\"" + visible(value.toString()) + "\"" : String.valueOf(value);
        String base = component + ": invalid " + field + "=" + shown + " (" + rule + ")";
        return hint == null || hint.isEmpty() ? base : base + " - " + hint;
    }

    /**
     * Shows a refused text value readably: each control character, line or paragraph separator,
     * invisible formatting character and unpaired surrogate as a Java escape (as the shell shows
     * them: a backslash and n, r or t, or u and four hex digits), so that the message is one line,
     * says what is wrong with the value and passes no terminal escape on to the log or shell that
     * prints it. {@link #value()} keeps the value as given.
     */
    private static String visible(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) ? i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))
                    : Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
            int type = Character.getType(c);
            boolean hidden = Character.isISOControl(c) || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                    || type == Character.PARAGRAPH_SEPARATOR || (Character.isSurrogate(c) && !paired);
            if (hidden && out == null) {
                out = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (hidden) {
                out.append(c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t"
                        : String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    /**
     * Returns the kind or name of what was being configured.
     *
     * @return the component, never {@code null}
     */
    public String component() {
        return component;
    }

    /**
     * Returns the name of the rejected field.
     *
     * @return the field name, never {@code null}
     */
    public String field() {
        return field;
    }

    /**
     * Returns the rejected value (not serialized).
     *
     * @return the value, may be {@code null}
     */
    public Object value() {
        return value;
    }

    /**
     * Returns the rule the value broke.
     *
     * @return the rule, never {@code null}
     */
    public String rule() {
        return rule;
    }

    /**
     * Returns how to fix the value.
     *
     * @return the hint, empty when there is none
     */
    public String hint() {
        return hint;
    }
}
