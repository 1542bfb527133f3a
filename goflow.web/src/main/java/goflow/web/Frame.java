package goflow.web;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import goflow.api.inspect.PrimitiveInfo;

/**
 * Every live primitive's figures at one moment: what the sampler records once per interval and
 * what the dashboard's charts and the windowed health checks compare.
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
     * Finds a primitive's row.
     *
     * @param key the row's {@link Row#key()}
     * @return the row, or empty when the primitive was not live then
     */
    Optional<Row> row(String key) {
        for (Row r : rows) {
            if (r.key().equals(key)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * Indexes the rows by key, for a caller that looks up many rows of this frame (a search of
     * {@link #rows()} for each, as {@link #row(String)} does, is quadratic with thousands of primitives).
     *
     * @return a new map from {@link Row#key()} to the row
     */
    Map<String, Row> byKey() {
        Map<String, Row> byKey = new HashMap<>(rows.size() * 2);
        for (Row r : rows) {
            byKey.putIfAbsent(r.key(), r);
        }
        return byKey;
    }

    /**
     * One primitive at one moment.
     *
     * @param info the registry row
     * @param figures its {@code stats().toMap()}, plus for a scheduler each task's
     *     {@code task.<id>.runs}, {@code task.<id>.failures} and {@code task.<id>.lastFailed}
     */
    record Row(PrimitiveInfo info, Map<String, Object> figures) {
        Row {
            figures = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(figures)); // order kept
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
