package goflow.metrics;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

import goflow.api.inspect.PrimitiveInfo;

/**
 * Turns registry rows into samples: every figure of every row's {@code stats().toMap()} becomes a
 * sample of its {@link MetricCatalog} family, labelled {@code name}, {@code kind} and
 * {@code owner} (and {@code stage} for a pipeline stage's figures, which a pipeline's map holds as
 * {@code stage.<stage>.<figure>}; a figure such as {@code stage.count}, which names no stage, is
 * the row's own).
 *
 * <p>Values: numbers as they are read when sampled ({@link #number}), durations in seconds, instants in seconds since the epoch,
 * booleans 1 or 0; a text figure (a pool's {@code state}) becomes 1 with the text as a label named
 * after the figure ({@link #textLabel}: in snake case, prefixed with {@value #TEXT_LABEL_PREFIX}
 * when the figure is named like a label of the row, {@code name}, {@code kind}, {@code owner} or
 * {@code stage}, so a plugin's figure never replaces them, like a label Prometheus reserves,
 * {@code __name__}, or like a histogram's {@code le} or a summary's {@code quantile}).
 * Figures of any other type are left out, and so is a row whose figures cannot be read (its
 * {@code toMap()} throws, e.g. a plugin's {@code Stats} that is not a record, or a plugin's number
 * fails when read): it is logged, and the other rows are written.
 *
 * <p>Stateless and thread-safe.
 */
public final class Samples {
    private static final System.Logger LOG = System.getLogger(Samples.class.getName());
    /** The label naming the primitive. */
    public static final String NAME = "name";
    /** The label naming the primitive's kind ({@code token-bucket}, ...). */
    public static final String KIND = "kind";
    /** The label naming the primitive's owner (a bundle, a configuration PID, {@code application}). */
    public static final String OWNER = "owner";
    /** The prefix of the label of a text figure named like a label of the row ({@link #textLabel}). */
    public static final String TEXT_LABEL_PREFIX = "figure_";

    private Samples() {
    }

    /**
     * Returns the samples of every row, row by row, figures in the order of each row's map.
     *
     * @param rows registry rows, e.g. {@code registry.snapshot()}
     * @return the samples
     */
    public static List<Sample> of(List<PrimitiveInfo> rows) {
        List<Sample> out = new ArrayList<>();
        for (PrimitiveInfo row : rows) {
            of(row, out);
        }
        return out;
    }

    /**
     * Adds the samples of one row; none when its figures cannot be read (logged), or one of them:
     * a plugin's number whose value fails when read.
     *
     * @param row a registry row
     * @param out where the samples go
     */
    public static void of(PrimitiveInfo row, List<Sample> out) {
        Map<String, Object> figures;
        try {
            figures = row.stats().toMap();
        } catch (RuntimeException | Error e) { // one primitive's figures must not take the others' down
            LOG.log(System.Logger.Level.WARNING, "goflow: the figures of " + row.kind().label() + " '" + row.name()
                    + "' (owner " + row.owner() + ") cannot be read; it is left out of the metrics", e);
            return;
        }
        int before = out.size();
        try {
            add(row, figures, out);
        } catch (RuntimeException | Error e) { // a plugin's number that fails when read: as above
            out.subList(before, out.size()).clear();
            LOG.log(System.Logger.Level.WARNING, "goflow: a figure of " + row.kind().label() + " '" + row.name()
                    + "' (owner " + row.owner() + ") cannot be read; it is left out of the metrics", e);
        }
    }

    private static void add(PrimitiveInfo row, Map<String, Object> figures, List<Sample> out) {
        String prefix = MetricCatalog.prefix(row.kind());
        for (Map.Entry<String, Object> e : figures.entrySet()) {
            Figure f = Figure.of(prefix, e.getKey());
            Map<String, String> labels = labels(row);
            if (f.stage() != null) {
                labels.put(MetricCatalog.STAGE_LABEL, f.stage());
            }
            String figure = f.name();
            Metric metric = f.metric();
            Object value = e.getValue();
            if (value instanceof String text) {
                labels.put(textLabel(figure), text);
                out.add(new Sample(metric, labels, 1));
                continue;
            }
            Number number = number(value);
            if (number != null) {
                out.add(new Sample(metric, labels, number));
            }
        }
    }

    /**
     * Returns the three labels of a row: name, kind, owner.
     *
     * @param row the row
     * @return a new mutable map
     */
    public static Map<String, String> labels(PrimitiveInfo row) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NAME, row.name());
        labels.put(KIND, row.kind().label());
        labels.put(OWNER, row.owner());
        return labels;
    }

    /**
     * Where a figure of a {@code toMap()} goes: its family (the kind's prefix, or
     * {@link MetricCatalog#STAGE_PREFIX} for a pipeline stage's {@code stage.<stage>.<figure>}),
     * its stage (or null) and its own name. Shared by the exposition and the Micrometer binder, so
     * both place (and leave out) the same figures.
     *
     * @param family the metric family
     * @param stage the stage's name, or null if the figure is not a stage's
     * @param name the figure's name, without {@code stage.<stage>.}
     */
    public record Figure(String family, String stage, String name) {

        /**
         * Places the figure {@code key} of a primitive whose kind has the prefix {@code prefix}.
         *
         * @param prefix the kind's prefix ({@link MetricCatalog#prefix})
         * @param key the figure's key in {@code toMap()}
         * @return where it goes: a figure of the kind's family unless {@code key} is
         *     {@code stage.<stage>.<figure>} with a stage name ({@code stage.count} names no stage)
         */
        public static Figure of(String prefix, String key) {
            int dot = key.lastIndexOf('.');
            if (!key.startsWith("stage.") || dot <= "stage.".length()) {
                return new Figure(prefix, null, key);
            }
            return new Figure(MetricCatalog.STAGE_PREFIX, key.substring("stage.".length(), dot), key.substring(dot + 1));
        }

        /**
         * Returns the figure's metric: the catalogue's, or an undocumented one named after it.
         *
         * @return the metric
         */
        public Metric metric() {
            return MetricCatalog.find(family, name).orElseGet(() -> MetricCatalog.undocumented(family, name));
        }
    }

    /**
     * Returns the name of the label that carries a text figure: the figure's name in snake case, as
     * its metric's ({@code lastError} gives {@code last_error}), or, for a figure named like one of
     * the labels every sample of a row has ({@link #NAME}, {@link #KIND}, {@link #OWNER},
     * {@link MetricCatalog#STAGE_LABEL}), like a label Prometheus reserves (starting with {@code __},
     * as {@code __name__}: a scrape with one is refused) or like a histogram's or summary's label
     * ({@code le}, {@code quantile}), that name prefixed with {@value #TEXT_LABEL_PREFIX}
     * ({@code figure_name}), so that it does not replace that label.
     *
     * @param figure a text figure's name (without a stage's {@code stage.<stage>.})
     * @return the label's name, a valid Prometheus label name
     */
    public static String textLabel(String figure) {
        String label = PrometheusText.labelName(MetricCatalog.snakeCase(figure));
        return label.equals(NAME) || label.equals(KIND) || label.equals(OWNER) || label.equals(MetricCatalog.STAGE_LABEL)
                || label.startsWith("__") || label.equals("le") || label.equals("quantile")
                ? TEXT_LABEL_PREFIX + label : label;
    }

    /**
     * Whether a figure's value is a number by the rules of this class ({@link #number} gives it),
     * without reading it: a number of any type, a boolean, a duration or an instant.
     *
     * @param value a figure's value
     * @return true when {@link #number} gives a number for it
     */
    public static boolean isNumber(Object value) {
        return value instanceof Number || value instanceof Boolean || value instanceof Duration
                || value instanceof Instant;
    }

    /**
     * Converts a figure's value to a number by the rules of this class, read now: the JDK's
     * immutable numbers as they are, any other number (a {@code LongAdder}, an {@code AtomicLong},
     * a plugin's own type) as a {@code Long} or {@code Double} of its value at this call. So the
     * value is read once, where the caller can catch what a plugin's number throws, and never later
     * by whoever writes it out; and a counter read for one sample is not read again, moved on, by
     * the next.
     *
     * @param value a figure's value
     * @return the number, or {@code null} for a value that has none
     * @throws RuntimeException or {@link Error} what a plugin's number throws when read
     */
    public static Number number(Object value) {
        if (value instanceof Number n) {
            Class<?> type = n.getClass();
            if (n instanceof Long || n instanceof Integer || n instanceof Double || n instanceof Short
                    || n instanceof Byte || n instanceof Float || type == BigInteger.class
                    || type == BigDecimal.class) {
                return n; // immutable, and their values cannot fail
            }
            if (type == LongAdder.class || type == AtomicLong.class || type == AtomicInteger.class
                    || type == LongAccumulator.class) {
                return n.longValue();
            }
            return n.doubleValue();
        }
        if (value instanceof Boolean b) {
            return b ? 1 : 0;
        }
        if (value instanceof Duration d) {
            return seconds(d);
        }
        if (value instanceof Instant i) {
            return i.getEpochSecond() + i.getNano() / 1e9;
        }
        return null;
    }

    /**
     * Returns a duration in seconds, exact to the nanosecond where a double can hold it.
     *
     * @param d the duration
     * @return seconds
     */
    public static double seconds(Duration d) {
        return d.getSeconds() + d.getNano() / 1e9;
    }
}
