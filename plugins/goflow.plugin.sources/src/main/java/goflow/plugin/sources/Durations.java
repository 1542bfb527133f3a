package goflow.plugin.sources;

import java.time.Duration;
import java.time.format.DateTimeParseException;

/** Parses configured durations. Stateless, so thread-safe. */
final class Durations {
    private Durations() {
    }

    /**
     * Parses an ISO-8601 duration; blank means zero.
     *
     * @param source the source's name, for errors
     * @param property the configuration property
     * @param value the text
     * @return the duration, never negative
     * @throws IllegalArgumentException naming the source and property when invalid or negative
     */
    static Duration parse(String source, String property, String value) {
        if (value.isBlank()) {
            return Duration.ZERO;
        }
        try {
            Duration d = Duration.parse(value.strip());
            if (d.isNegative()) {
                throw new IllegalArgumentException("source '" + source + "': " + property + " '" + value
                        + "' must not be negative");
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("source '" + source + "': " + property + " '" + value
                    + "' is not an ISO-8601 duration such as PT0.1S", e);
        }
    }
}
