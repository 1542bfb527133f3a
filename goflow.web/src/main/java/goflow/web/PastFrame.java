package goflow.web;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import goflow.metrics.Samples;

/**
 * A frame as the {@link History} keeps it: each row's numeric figures ({@link Frame.Row#number}),
 * and nothing else. The charts and the windowed health checks read only those numbers from past
 * frames; the registry rows, the typed stats and the text and boolean figures the page shows are
 * read from a frame taken now.
 *
 * <p>Immutable, so thread-safe.
 */
final class PastFrame {
    /**
     * The figures of every row, row after row, each row's in the order of its {@link Layout#names}.
     * A figure that is not a number is left out; so is a row's every figure when they could not be
     * read. Never written after construction.
     */
    private final double[] numbers;
    /** Where each row's figures are in {@link #numbers}: shared with the frame before when equal. */
    private final Layout layout;
    private final long nanos;
    private final Instant at;

    private PastFrame(long nanos, Instant at, Layout layout, double[] numbers) {
        this.nanos = nanos;
        this.at = at;
        this.layout = layout;
        this.numbers = numbers;
    }

    /**
     * Keeps a frame's numbers.
     *
     * @param frame a frame just taken
     * @param before the frame recorded before, whose layout is reused when the rows and their
     *     figures are the same (the common case), or null
     * @return the frame's numbers
     */
    static PastFrame of(Frame frame, PastFrame before) {
        List<Frame.Row> rows = frame.rows();
        Layout layout = before != null && before.layout.fits(rows) ? before.layout : new Layout(rows);
        double[] numbers = new double[layout.offsets[rows.size()]];
        int i = 0;
        for (Frame.Row r : rows) {
            for (Object value : r.figures().values()) {
                Number n = Samples.number(value);
                if (n != null) {
                    numbers[i++] = n.doubleValue();
                }
            }
        }
        return new PastFrame(frame.nanos(), frame.at(), layout, numbers);
    }

    /** The clock's {@code nanoTime()} when taken (for rates). */
    long nanos() {
        return nanos;
    }

    /** The wall-clock instant when taken (for chart axes). */
    Instant at() {
        return at;
    }

    /** The number of rows (primitives). */
    int rows() {
        return layout.keys.length;
    }

    /** The numbers kept. */
    int numbers() {
        return numbers.length;
    }

    /** The layout, for a caller that accounts for it once while frames share it. */
    Layout layout() {
        return layout;
    }

    /**
     * Whether a primitive was live then.
     *
     * @param key a {@link Frame.Row#key()}
     * @return whether the frame has its row
     */
    boolean has(String key) {
        return layout.rowOf.containsKey(key);
    }

    /**
     * A figure of a primitive then, as {@link Frame.Row#number} read it.
     *
     * @param key a {@link Frame.Row#key()}
     * @param figure the figure's name
     * @return the figure, or NaN when the primitive was not live then, the figure was absent or
     *     was not a number
     */
    double number(String key, String figure) {
        Integer row = layout.rowOf.get(key);
        if (row == null) {
            return Double.NaN;
        }
        Integer at = layout.names[row].get(figure);
        return at == null ? Double.NaN : numbers[layout.offsets[row] + at];
    }

    /**
     * Which rows a frame had, in order, and which numeric figures each: what consecutive frames
     * share while the same primitives show the same figures, so that a past frame costs 8 bytes a
     * number and not a copy of its rows. Immutable.
     */
    static final class Layout {
        /** The cost of a row: its key, its entry in {@link #rowOf}, its slots in the arrays. */
        static final int ROW_COST = 16;
        /** The cost of a name in a figure map. */
        static final int NAME_COST = 8;
        /** Each row's key, registry order. */
        final String[] keys;
        /** From a key to its row (the first, should two rows share a key). */
        final Map<String, Integer> rowOf;
        /**
         * Each row's numeric figures: from name to position in the row. Rows with the same figures
         * share one map (every token bucket has the same).
         */
        final Map<String, Integer>[] names;
        /** Where each row starts in the numbers; one more, the total. */
        final int[] offsets;
        /**
         * What this layout costs in {@link History#retained()} units of about 8 bytes:
         * {@value #ROW_COST} a row, and {@value #NAME_COST} a name of each distinct figure map (its
         * entry, and the name itself when the stats built it, as a pipeline's {@code stage.<s>.count}).
         */
        final long cost;

        @SuppressWarnings("unchecked") // a generic array of maps, filled here only
        Layout(List<Frame.Row> rows) {
            keys = new String[rows.size()];
            rowOf = new HashMap<>(rows.size() * 2);
            names = (Map<String, Integer>[]) new Map<?, ?>[rows.size()];
            offsets = new int[rows.size() + 1];
            Map<List<String>, Map<String, Integer>> distinct = new HashMap<>();
            long c = (long) ROW_COST * rows.size();
            for (int i = 0; i < rows.size(); i++) {
                Frame.Row r = rows.get(i);
                List<String> figures = numeric(r);
                Map<String, Integer> m = distinct.get(figures);
                if (m == null) {
                    Map<String, Integer> positions = new HashMap<>(figures.size() * 2);
                    for (String name : figures) {
                        positions.putIfAbsent(name, positions.size());
                    }
                    m = Map.copyOf(positions);
                    distinct.put(figures, m);
                    c += (long) NAME_COST * m.size();
                }
                keys[i] = r.key();
                rowOf.putIfAbsent(keys[i], i);
                names[i] = m;
                offsets[i + 1] = offsets[i] + figures.size();
            }
            cost = c;
        }

        /** Whether the rows are those of this layout, in order, with the same numeric figures. */
        boolean fits(List<Frame.Row> rows) {
            if (rows.size() != keys.length) {
                return false;
            }
            for (int i = 0; i < keys.length; i++) {
                Frame.Row r = rows.get(i);
                if (!keys[i].equals(r.key())) {
                    return false;
                }
                int at = 0;
                for (Map.Entry<String, Object> e : r.figures().entrySet()) {
                    if (Samples.isNumber(e.getValue())) {
                        if (!Integer.valueOf(at).equals(names[i].get(e.getKey()))) {
                            return false;
                        }
                        at++;
                    }
                }
                if (at != offsets[i + 1] - offsets[i]) {
                    return false;
                }
            }
            return true;
        }

        private static List<String> numeric(Frame.Row r) {
            List<String> names = new ArrayList<>(r.figures().size());
            for (Map.Entry<String, Object> e : r.figures().entrySet()) {
                if (Samples.isNumber(e.getValue())) {
                    names.add(e.getKey());
                }
            }
            return names;
        }
    }
}
