package goflow.metrics;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One metric family: a Prometheus metric name, its type, its unit and what it means.
 *
 * <p>Names follow the Prometheus conventions: {@code goflow_<kind>_<figure>}, snake case, the unit
 * in the name ({@code _seconds}, {@code _bytes}), counters ending in {@code _total}.
 *
 * @param name the metric name, e.g. {@code goflow_token_bucket_allowed_total}
 * @param type counter or gauge
 * @param unit the base unit ({@code "seconds"}, {@code "bytes"}) or {@code ""} for a count or ratio
 * @param help one sentence: what the figure means
 */
public record Metric(String name, Type type, String unit, String help) {
    private static final Pattern NAME = Pattern.compile("goflow_[a-z0-9_]+");

    /**
     * Validates the components.
     *
     * @param name the metric name
     * @param type its type
     * @param unit its base unit or {@code ""}
     * @param help what it means
     * @throws IllegalArgumentException if the name is not a goflow metric name, a counter does not
     *     end in {@code _total}, or a unit is not part of the name
     */
    public Metric {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(help, "help");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric name '" + name + "' must match " + NAME);
        }
        if ((type == Type.COUNTER) != name.endsWith("_total")) {
            throw new IllegalArgumentException("metric '" + name + "': counters, and only counters, end in _total");
        }
        if (!unit.isEmpty() && !baseName(name, type).endsWith("_" + unit)) {
            throw new IllegalArgumentException("metric '" + name + "': the unit " + unit + " must end its name");
        }
    }

    /**
     * Returns the name of this family as a Micrometer meter: the Prometheus name without
     * {@code _total} and without its unit (a Micrometer base unit), dots for underscores. The
     * Micrometer Prometheus registry turns it back into {@link #name()}.
     *
     * @return e.g. {@code goflow.token.bucket.allowed} for {@code goflow_token_bucket_allowed_total}
     */
    public String micrometerName() {
        String base = baseName(name, type);
        if (!unit.isEmpty()) {
            base = base.substring(0, base.length() - unit.length() - 1);
        }
        return base.replace('_', '.');
    }

    private static String baseName(String name, Type type) {
        return type == Type.COUNTER ? name.substring(0, name.length() - "_total".length()) : name;
    }

    /** The Prometheus metric types goflow uses. */
    public enum Type {
        /** A value that only grows (until the primitive is re-created). */
        COUNTER("counter"),
        /** A value that goes up and down. */
        GAUGE("gauge");

        private final String text;

        Type(String text) {
            this.text = text;
        }

        /**
         * Returns the type as the exposition format's {@code # TYPE} line spells it.
         *
         * @return {@code "counter"} or {@code "gauge"}
         */
        public String text() {
            return text;
        }
    }
}
