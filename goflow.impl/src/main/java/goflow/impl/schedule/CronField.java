package goflow.impl.schedule;

import java.util.List;
import java.util.Locale;

import goflow.api.schedule.CronSyntaxException;

/**
 * The six cron fields, their bounds and names, and the parser of one field's text into a bit set
 * (bit {@code v} set when value {@code v} matches). Immutable and thread-safe.
 */
enum CronField {
    SECOND("second", 0, 59, 59, List.of()),
    MINUTE("minute", 0, 59, 59, List.of()),
    HOUR("hour", 0, 23, 23, List.of()),
    DAY_OF_MONTH("day-of-month", 1, 31, 31, List.of()),
    MONTH("month", 1, 12, 12,
            List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")),
    /** 0-7, with 7 folded onto 0 (both Sunday); {@code *} and {@code a/n} stop at 6. */
    DAY_OF_WEEK("day-of-week", 0, 7, 6, List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"));

    final String label;
    final int min;
    final int max;
    /** The upper end of {@code *} and of an open step {@code a/n}. */
    final int openMax;
    /** Names in value order, the first one meaning {@link #min}; empty when the field has none. */
    final List<String> names;

    CronField(String label, int min, int max, int openMax, List<String> names) {
        this.label = label;
        this.min = min;
        this.max = max;
        this.openMax = openMax;
        this.names = names;
    }

    /**
     * Parses one field: a comma-separated list of {@code *}, {@code ?}, values, ranges and steps.
     *
     * @param expression the whole expression, for error messages
     * @param text the field's text
     * @return the bit set of matching values
     */
    long parse(String expression, String text) {
        long bits = 0;
        for (String part : text.split(",", -1)) {
            if (part.isEmpty()) {
                throw error(expression, text, "empty list element");
            }
            bits |= parsePart(expression, part);
        }
        if (this == DAY_OF_WEEK && (bits & (1L << 7)) != 0) {
            bits = (bits & ~(1L << 7)) | 1L;
        }
        return bits;
    }

    private long parsePart(String expression, String part) {
        String range = part;
        int step = 1;
        boolean stepped = false;
        int slash = part.indexOf('/');
        if (slash >= 0) {
            range = part.substring(0, slash);
            String stepText = part.substring(slash + 1);
            stepped = true;
            if (stepText.isEmpty() || !isDigits(stepText)) {
                throw error(expression, part, "step must be a positive whole number");
            }
            step = stepText.length() > 4 ? Integer.MAX_VALUE : Integer.parseInt(stepText);
            if (step == 0) {
                throw error(expression, part, "step must be positive");
            }
            if (range.isEmpty()) {
                throw error(expression, part, "missing range before the step");
            }
        }
        int lo;
        int hi;
        if (range.equals("*") || range.equals("?")) {
            lo = min;
            hi = openMax;
        } else {
            int dash = range.indexOf('-');
            if (dash >= 0) {
                lo = value(expression, range.substring(0, dash), part);
                hi = value(expression, range.substring(dash + 1), part);
                if (lo > hi) {
                    throw error(expression, range, "range start is after its end; ranges do not wrap around"
                            + (this == DAY_OF_WEEK ? " (write e.g. FRI-7,1 or FRI,SAT,SUN,MON)" : ""));
                }
            } else {
                lo = value(expression, range, part);
                hi = stepped ? Math.max(lo, openMax) : lo;
            }
        }
        if (step > openMax - min) {
            // Longer than the field itself: whatever the range, only its first value is selected.
            String stepText = part.substring(slash + 1);
            // the longest step accepted here that selects a second value (day of week: 0-7/7 has
            // hi - lo = 7, but a step of 7 is just what is rejected)
            int longest = Math.min(hi - lo, openMax - min);
            throw error(expression, part, "step " + stepText + " selects only the first value, " + lo + ": write " + lo
                    + " for that value alone" + (longest > 0 ? ", or a step of at most " + longest : ""));
        }
        long bits = 0;
        for (int v = lo; v <= hi; v += step) {
            bits |= 1L << v;
        }
        return bits;
    }

    /** Parses a number or a name; {@code part} is reported when the value itself is empty. */
    private int value(String expression, String text, String part) {
        if (text.isEmpty()) {
            throw error(expression, part, "missing value");
        }
        if (isDigits(text)) {
            // leading zeros are the same number ("00005" is 5, as cron's atoi reads it), not a long one
            String digits = text.replaceFirst("^0+(?=\\d)", "");
            if (digits.length() > 4) {
                throw error(expression, text, "above the maximum " + max);
            }
            int v = Integer.parseInt(digits);
            if (v < min) {
                throw error(expression, text, "below the minimum " + min);
            }
            if (v > max) {
                throw error(expression, text, "above the maximum " + max);
            }
            return v;
        }
        int index = names.indexOf(text.toUpperCase(Locale.ROOT));
        if (index >= 0) {
            return min + index;
        }
        if (names.isEmpty()) {
            throw error(expression, text, "not a number (" + label + " takes " + min + "-" + max + ")");
        }
        throw error(expression, text, "not a number or a name (" + label + " takes " + min + "-" + max
                + " or " + names.get(0) + "-" + names.get(names.size() - 1) + ")");
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }

    CronSyntaxException error(String expression, String token, String rule) {
        return new CronSyntaxException(expression, label, token, rule);
    }
}
