package goflow.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes samples in the Prometheus text exposition format, version 0.0.4: per family one
 * {@code # HELP} and one {@code # TYPE} line, then its samples, families in the order their first
 * sample came; label values and help texts escaped as the format requires.
 *
 * <p>A second sample of a family with the same labels as an earlier one is left out (a scrape
 * with duplicate series is refused by Prometheus).
 *
 * <p>Stateless and thread-safe.
 */
public final class PrometheusText {
    /** The content type of the format, as Prometheus expects it. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    /**
     * Returns the exposition of the samples.
     *
     * @param samples the samples
     * @return the text, each line ending in {@code \n}
     */
    public static String toText(List<Sample> samples) {
        StringBuilder sb = new StringBuilder(samples.size() * 96);
        try {
            write(samples, sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringBuilder does not throw
        }
        return sb.toString();
    }

    /**
     * Writes the exposition of the samples.
     *
     * @param samples the samples
     * @param out where the text goes
     * @throws IOException if {@code out} fails
     */
    public static void write(List<Sample> samples, Appendable out) throws IOException {
        Map<String, List<Sample>> families = new LinkedHashMap<>();
        for (Sample s : samples) {
            families.computeIfAbsent(s.metric().name(), n -> new ArrayList<>()).add(s);
        }
        for (List<Sample> family : families.values()) {
            Metric m = family.get(0).metric();
            out.append("# HELP ").append(m.name()).append(' ').append(escapeHelp(m.help())).append('\n');
            out.append("# TYPE ").append(m.name()).append(' ').append(m.type().text()).append('\n');
            Set<String> seen = new HashSet<>();
            for (Sample s : family) {
                String labels = labels(s.labels());
                if (seen.add(labels)) {
                    out.append(m.name()).append(labels).append(' ').append(value(s.value())).append('\n');
                }
            }
        }
    }

    private static String labels(Map<String, String> labels) {
        if (labels.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(labelName(e.getKey())).append("=\"").append(escapeLabelValue(e.getValue())).append('"');
        }
        return sb.append('}').toString();
    }

    /**
     * Returns a valid label name: characters outside {@code [a-zA-Z0-9_]} become {@code _}, and a
     * name starting with a digit gets a leading {@code _}.
     *
     * @param name a label name
     * @return the name as the format allows it
     */
    static String labelName(String name) {
        StringBuilder sb = new StringBuilder(name.length() + 1);
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            sb.append('_');
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean ok = c < 128 && (Character.isLetterOrDigit(c) || c == '_');
            sb.append(ok ? c : '_');
        }
        return sb.toString();
    }

    /**
     * Escapes a label value: backslash, double quote and line feed.
     *
     * @param value the value
     * @return the escaped value
     */
    public static String escapeLabelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /**
     * Escapes a help text: backslash and line feed.
     *
     * @param help the text
     * @return the escaped text
     */
    public static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /**
     * Formats a value: integers exactly, doubles in Go float syntax.
     *
     * @param value the value
     * @return the text
     */
    public static String value(Number value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return Long.toString(value.longValue());
        }
        double d = value.doubleValue();
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }
}
