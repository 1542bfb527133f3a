package goflow.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One value of a metric family with its labels.
 *
 * @param metric the family
 * @param labels label names to values, in the order they are written
 * @param value the value: a {@code Long} or {@code Integer} is written exactly, a {@code Double}
 *     in Go float syntax ({@code +Inf}, {@code -Inf}, {@code NaN} included)
 */
public record Sample(Metric metric, Map<String, String> labels, Number value) {
    /**
     * Validates and copies the components.
     *
     * @param metric the family
     * @param labels the labels
     * @param value the value
     */
    public Sample {
        Objects.requireNonNull(metric, "metric");
        Objects.requireNonNull(value, "value");
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
    }

    /**
     * Returns the value as a double.
     *
     * @return the value
     */
    public double doubleValue() {
        return value.doubleValue();
    }
}
