package goflow.redis.streams.internal;

import java.util.ArrayList;
import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;

/**
 * The Gogo command {@code goflow:redisstreams}: every configured Redis stream consumer with its
 * status (running, waiting for its pipeline, rejected) and figures.
 *
 * <p>Stateless and thread-safe.
 */
@Component(service = RedisStreamsCommand.class, property = {"osgi.command.scope=goflow",
    "osgi.command.function=redisstreams"})
public final class RedisStreamsCommand {
    /** What the command does, as its help says. */
    private static final String DESCRIPTION = "list the Redis stream consumers (factory PID goflow.redis.stream) "
            + "with their status and figures: entries read, acknowledged, claimed from others, failed, dead-lettered, "
            + "in flight, pending in the group";
    private static final List<String> HEADERS = List.of("configuration", "stream", "group", "consumer", "pipeline",
            "status", "read", "acked", "claimed", "failed", "deadLettered", "inFlight", "pending");

    /** Creates the command (Declarative Services does). */
    public RedisStreamsCommand() {
    }

    /**
     * Lists the consumers.
     *
     * @return an aligned table, or a line saying there are none
     */
    @Descriptor(DESCRIPTION)
    public String redisstreams() {
        List<List<Object>> rows = new ArrayList<>();
        StreamConsumerComponent.ACTIVE.values().forEach(c -> rows.add(c.row()));
        if (rows.isEmpty()) {
            return "no redis stream consumers (configure factory PID goflow.redis.stream)\n";
        }
        rows.sort((a, b) -> String.valueOf(a.get(0)).compareTo(String.valueOf(b.get(0))));
        return table(rows);
    }

    /**
     * Answers {@code --help} or {@code -h} with this command's usage, as every goflow command does
     * (Karaf's {@code help goflow:redisstreams} runs it).
     *
     * @param help {@code --help} or {@code -h}
     * @return the usage
     * @throws IllegalArgumentException for any other argument, naming it and how the command is called
     */
    @Descriptor("print this command's usage (--help or -h)")
    public String redisstreams(@Descriptor("--help or -h") String help) {
        if (!"--help".equals(help) && !"-h".equals(help)) {
            throw new IllegalArgumentException("goflow:redisstreams does not take one argument ('" + help
                    + "'): goflow:redisstreams; goflow:redisstreams --help tells more");
        }
        return "goflow:redisstreams\n    " + DESCRIPTION
                + "\n\n    goflow:redisstreams --help (or -h) prints this\n";
    }

    static String table(List<List<Object>> rows) {
        int[] width = new int[HEADERS.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = HEADERS.get(i).length();
            for (List<Object> r : rows) {
                width[i] = Math.max(width[i], cell(r.get(i)).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        line(sb, new ArrayList<>(HEADERS), width);
        for (List<Object> r : rows) {
            line(sb, r, width);
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<?> cells, int[] width) {
        for (int i = 0; i < cells.size(); i++) {
            String v = cell(cells.get(i));
            boolean number = cells.get(i) instanceof Number;
            String pad = " ".repeat(width[i] - v.length());
            sb.append(number ? pad + v : v + (i == cells.size() - 1 ? "" : pad));
            if (i < cells.size() - 1) {
                sb.append("  ");
            }
        }
        sb.append('\n');
    }

    /**
     * A cell's text on one line that does nothing to the terminal: line breaks, tabs and other
     * control characters ({@code ESC} of a terminal sequence included), the Unicode line and
     * paragraph separators and the bidirectional formatting characters are shown escaped
     * ({@code \n}, {@code \r}, {@code \t}, and a backslash, {@code u} and the hex code for the
     * others), as goflow's shell tables show them.
     */
    static String cell(Object value) {
        String text = String.valueOf(value);
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c >= '\u202a' && c <= '\u202e'
                    || c >= '\u2066' && c <= '\u2069' || c == '\u200e' || c == '\u200f' || c == '\u061c') {
                // control characters, line and paragraph separators, and the bidirectional formatting
                // characters (a right-to-left override shows the rest of the row reversed)
                sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
