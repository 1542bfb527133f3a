package goflow.shell;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An aligned text table: the one place the shell formats output. Numbers and durations are
 * right-aligned, everything else left-aligned; columns are separated by two spaces. Every cell
 * is one line: line breaks, tabs and other control characters in a value (a stage's output, an
 * exception's message, a plugin's name property) are shown escaped ({@code \n}, {@code \r},
 * {@code \t}, and a backslash, {@code u} and the hex code for the others, the Unicode line and
 * paragraph separators and the bidirectional formatting characters), so rows stay aligned and
 * one per line (the headers too: a plugin's figure names are the column headers of
 * {@code goflow:stats}); a value whose
 * {@code toString()} fails (an exception or an {@code Error}, such as a
 * {@code NoClassDefFoundError} when its class's bundle was refreshed away; not a
 * {@link VirtualMachineError}) is shown as {@code <toString() failed: ...>} instead of failing the
 * command; a value longer than {@value #MAX_CELL_CHARS} characters is cut there (as
 * {@code goflow:stream} cuts an element), so that one large value (a stage's output in
 * {@code goflow:run}) does not pad every row of its column to its length. Columns are padded by
 * the columns a cell takes on a terminal ({@link DisplayWidth}), not by its {@code char}s, so that
 * a name in CJK, with combining accents or with an emoji lines up as well.
 *
 * <p>Not thread-safe: build, print and drop it on one thread.
 */
final class Table {
    /** The most characters of one cell: {@value}; the rest is counted, not shown. */
    static final int MAX_CELL_CHARS = 1_000;
    private static final char LINE_SEPARATOR = 0x2028;
    private static final char PARAGRAPH_SEPARATOR = 0x2029;
    private final List<String> headers;
    private final List<List<Object>> rows = new ArrayList<>();

    private Table(List<String> headers) {
        this.headers = headers;
    }

    static Table of(String... headers) {
        return of(List.of(headers));
    }

    /** A table with these column headers, each shown as a cell is (a plugin's figure name may be one). */
    static Table of(List<String> headers) {
        List<String> shown = new ArrayList<>();
        for (String h : headers) {
            shown.add(format(h));
        }
        return new Table(List.copyOf(shown));
    }

    Table row(Object... values) {
        return row(List.of(values));
    }

    Table row(List<?> values) {
        List<Object> row = new ArrayList<>(values);
        while (row.size() < headers.size()) {
            row.add("");
        }
        rows.add(row);
        return this;
    }

    int size() {
        return rows.size();
    }

    @Override
    public String toString() {
        int n = headers.size();
        int[] width = new int[n];
        boolean[] right = new boolean[n];
        List<List<String>> cells = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            width[c] = DisplayWidth.of(headers.get(c));
            right[c] = true;
        }
        for (List<Object> row : rows) {
            List<String> line = new ArrayList<>();
            for (int c = 0; c < n; c++) {
                Object v = row.get(c);
                String s = format(v);
                line.add(s);
                width[c] = Math.max(width[c], DisplayWidth.of(s));
                if (!(v instanceof Number || v instanceof Duration || "".equals(v) || "-".equals(v))) {
                    right[c] = false;
                }
            }
            cells.add(line);
        }
        if (rows.isEmpty()) {
            java.util.Arrays.fill(right, false);
        }
        StringBuilder sb = new StringBuilder();
        line(sb, headers, width, right);
        for (List<String> line : cells) {
            line(sb, line, width, right);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width, boolean[] right) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            if (c > 0) {
                line.append("  ");
            }
            String s = cells.get(c);
            String pad = " ".repeat(width[c] - DisplayWidth.of(s));
            line.append(right[c] ? pad + s : s + pad);
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }

    /**
     * Formats one value: durations in the largest fitting unit, decimals with two places (two
     * significant digits for a non-zero one that two places would show as {@code 0.00}),
     * instants to the second, null as {@code -}, anything else as its {@code toString()} on one
     * line and at most {@value #MAX_CELL_CHARS} characters (see the class comment).
     */
    static String format(Object v) {
        String text;
        try {
            text = formatted(v);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) { // an Error too: e.g. its class's bundle was refreshed away
            text = toStringFailed(e);
        }
        if (text.length() > MAX_CELL_CHARS) {
            int cut = Character.isHighSurrogate(text.charAt(MAX_CELL_CHARS - 1)) ? MAX_CELL_CHARS - 1 : MAX_CELL_CHARS;
            text = text.substring(0, cut) + "... (" + (text.length() - cut) + " more characters)";
        }
        return oneLine(text);
    }

    /**
     * What a value whose {@code toString()} threw is shown as: {@code <toString() failed: ...>} with
     * what it threw, or that throwable's class when it cannot be shown either.
     *
     * @param e what {@code toString()} threw (not a {@link VirtualMachineError})
     * @return the text
     */
    static String toStringFailed(Throwable e) {
        return "<toString() failed: " + describe(e) + ">";
    }

    /**
     * A throwable's {@code toString()}, or its class's name when that throws (a message that
     * cannot be built); not yet made {@link #oneLine one line}.
     *
     * @param e the throwable
     * @return the text
     */
    static String describe(Throwable e) {
        try {
            return e.toString();
        } catch (VirtualMachineError unshown) {
            throw unshown;
        } catch (RuntimeException | Error unshown) {
            return e.getClass().getName();
        }
    }

    /**
     * The text with control characters (terminal escape sequences' {@code ESC} included) and line
     * or paragraph separators escaped, as the class comment says: one line that does nothing to the
     * terminal it is printed on.
     */
    static String oneLine(String text) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            String escaped = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t"
                    : Character.isISOControl(c) || c == LINE_SEPARATOR || c == PARAGRAPH_SEPARATOR || isBidiControl(c)
                            ? String.format(Locale.ROOT, "\\u%04x", (int) c) : null;
            if (escaped != null && sb == null) {
                sb = new StringBuilder(text.length() + 8).append(text, 0, i);
            }
            if (sb != null) {
                if (escaped != null) {
                    sb.append(escaped);
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? text : sb.toString();
    }

    /**
     * Whether {@code c} is one of Unicode's bidirectional formatting characters (the embeddings,
     * overrides and isolates, and the marks): printed raw, a right-to-left override in a name shows
     * the rest of its row reversed, its columns included (as in "Trojan Source" attacks).
     */
    static boolean isBidiControl(char c) {
        return c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069' || c == '\u200e' || c == '\u200f'
                || c == '\u061c';
    }

    private static String formatted(Object v) {
        if (v == null) {
            return "-";
        }
        if (v instanceof Duration) {
            return duration((Duration) v);
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString((long) d);
            }
            if (Math.abs(d) < 0.005) { // two decimals would show 0.00: a rate of 1/600 per second is not 0
                return new BigDecimal(d, new MathContext(2)).stripTrailingZeros().toString();
            }
            return String.format(Locale.ROOT, "%.2f", d);
        }
        if (v instanceof Instant) {
            return ((Instant) v).truncatedTo(ChronoUnit.SECONDS).toString();
        }
        return v.toString();
    }

    static String duration(Duration d) {
        long nanos;
        try {
            nanos = d.toNanos();
        } catch (ArithmeticException e) {
            return d.toString();
        }
        long abs = Math.abs(nanos);
        if (abs < 1_000L) {
            return nanos + "ns";
        }
        if (abs < 1_000_000L) {
            return String.format(Locale.ROOT, "%.1fus", nanos / 1e3);
        }
        if (abs < 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.1fms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2fs", nanos / 1e9);
    }
}
