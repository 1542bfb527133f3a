package goflow.web;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import goflow.api.inspect.PrimitiveInfo;

/**
 * Every live primitive's figures at one moment, as the sampler takes them: the page shows the
 * latest, and the {@link History} keeps of each only the numbers ({@link PastFrame}) that the
 * dashboard's charts and the windowed health checks compare.
 *
 * @param nanos the clock's {@code nanoTime()} when taken (for rates)
 * @param at the wall-clock instant when taken (for chart axes)
 * @param rows one row per primitive, registry order
 */
record Frame(long nanos, Instant at, List<Row> rows) {
    Frame {
        rows = List.copyOf(rows);
    }

    /**
     * One primitive at one moment.
     *
     * @param info the registry row
     * @param figures its {@code stats().toMap()} (a value that is not a number, boolean, string,
     *     duration or instant as its string form; none null), plus for a scheduler each task's
     *     {@code task.<id>.runs}, {@code task.<id>.failures} and {@code task.<id>.lastFailed}; empty
     *     when they could not be read
     * @param readable false when the figures could not be read ({@code stats()} or a figure failed):
     *     the health checks then judge nothing of it
     */
    record Row(PrimitiveInfo info, Map<String, Object> figures, boolean readable) {
        Row {
            figures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(figures)); // order kept
        }

        /** A row whose figures were read. */
        Row(PrimitiveInfo info, Map<String, Object> figures) {
            this(info, figures, true);
        }

        /** The identity of a primitive across frames: its name and owner. */
        String key() {
            return key(info);
        }

        static String key(PrimitiveInfo info) {
            return info.name() + "\u0000" + info.owner();
        }

        /** A figure as a double, or NaN when absent or not a number. */
        double number(String figure) {
            Number n = goflow.metrics.Samples.number(figures.get(figure));
            return n == null ? Double.NaN : n.doubleValue();
        }
    }
}
