package goflow.api.schedule;

import java.io.Serial;
import java.util.Objects;

import goflow.api.InvalidConfigException;

/**
 * Thrown when a cron expression is rejected. {@link #field()} names the cron field
 * ({@code "second"}, {@code "minute"}, {@code "hour"}, {@code "day-of-month"}, {@code "month"},
 * {@code "day-of-week"}, {@code "time zone"}, {@code "@every"}, or {@code "expression"} for the
 * expression as a whole), {@link #value()} is the offending token, and {@link #expression()} the
 * whole text. Example message: {@code cron: invalid minute="75" (above the maximum 59) - in
 * expression "75 0 * * *"}.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class CronSyntaxException extends InvalidConfigException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String expression;

    /**
     * Creates the exception.
     *
     * @param expression the whole expression
     * @param field the cron field the token belongs to
     * @param token the offending token
     * @param rule the rule it broke
     */
    public CronSyntaxException(String expression, String field, String token, String rule) {
        super("cron", field, token, rule, "in expression \"" + expression + "\"");
        this.expression = Objects.requireNonNull(expression, "expression");
    }

    /**
     * Returns the rejected expression.
     *
     * @return the expression text
     */
    public String expression() {
        return expression;
    }
}
