package goflow.impl.schedule;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import goflow.api.schedule.CronSyntaxException;

/** Parses the duration of {@code @every}: Go syntax ({@code 1h30m}, {@code 1.5s}, {@code 250ms}) or ISO-8601. Stateless. */
final class GoDuration {
    private static final Pattern UNIT = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

    /** The longest interval, as in Go: the most nanoseconds a long holds (about 292 years). */
    private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE);
    private static final String TOO_LONG = "too long: more than the most nanoseconds a long holds ("
            + LONGEST.toHours() + "h" + LONGEST.toMinutesPart() + "m, about 292 years)";

    private GoDuration() {
    }

    static Duration parse(String expression, String text) {
        Duration d;
        if (text.startsWith("P") || text.startsWith("p")) {
            try {
                d = Duration.parse(text);
            } catch (DateTimeParseException e) {
                throw new CronSyntaxException(expression, "@every", text, "not a duration");
            }
        } else {
            d = parseGo(expression, text);
        }
        if (d.compareTo(LONGEST) > 0) {
            // the ISO form too: longer, it would be accepted and then, far beyond any date, never fire
            throw new CronSyntaxException(expression, "@every", text, TOO_LONG);
        }
        if (d.isNegative() || d.isZero()) {
            throw new CronSyntaxException(expression, "@every", text, "must be positive");
        }
        if (d.compareTo(SchedulerImpl.MIN_PERIOD) < 0) {
            throw new CronSyntaxException(expression, "@every", text,
                    "must be at least 1ms; a shorter interval keeps a core busy with scheduling");
        }
        return d;
    }

    private static Duration parseGo(String expression, String text) {
        // a sign, as Go's time.ParseDuration takes one: "-5s" is then "must be positive", not "not a duration"
        boolean negative = text.startsWith("-");
        int at = negative || text.startsWith("+") ? 1 : 0;
        if (at == 1 && text.length() == 1) {
            throw new CronSyntaxException(expression, "@every", text, "missing duration");
        }
        Matcher m = UNIT.matcher(text);
        BigDecimal nanos = BigDecimal.ZERO;
        while (at < text.length()) {
            // anchored at `at`: find(at) would try every later start too, quadratic on a long unitless number
            m.region(at, text.length());
            if (!m.lookingAt()) {
                throw new CronSyntaxException(expression, "@every", text,
                        "not a duration: use e.g. 10s, 1h30m, 250ms or PT10S");
            }
            BigDecimal amount = new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1));
            nanos = nanos.add(amount.multiply(BigDecimal.valueOf(unitNanos(m.group(2)))));
            at = m.end();
        }
        if (text.isEmpty()) {
            throw new CronSyntaxException(expression, "@every", text, "missing duration");
        }
        if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new CronSyntaxException(expression, "@every", text, TOO_LONG);
        }
        return Duration.ofNanos(negative ? -nanos.longValue() : nanos.longValue());
    }

    private static long unitNanos(String unit) {
        switch (unit) {
            case "ns":
                return 1L;
            case "us":
            case "µs":
            case "μs":
                return 1_000L;
            case "ms":
                return 1_000_000L;
            case "s":
                return 1_000_000_000L;
            case "m":
                return 60_000_000_000L;
            default:
                return 3_600_000_000_000L;
        }
    }
}
