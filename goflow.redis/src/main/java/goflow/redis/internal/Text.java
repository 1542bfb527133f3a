package goflow.redis.internal;

import java.util.Locale;

/**
 * Text from outside (a key a caller chose, what Redis answered) made safe for a terminal or a log
 * line. Stateless.
 */
public final class Text {
    private Text() {
    }

    /**
     * The text on one line that does nothing to the terminal: line breaks, tabs and other control
     * characters ({@code ESC} of a terminal sequence included), the Unicode line and paragraph
     * separators and the bidirectional formatting characters (a right-to-left override shows the
     * rest of a line reversed) shown escaped ({@code \n}, {@code \r}, {@code \t}, and a backslash, {@code u} and
     * the hex code for the others), as goflow's shell tables show them. The last error quotes keys
     * that callers of a keyed limiter choose, and what Redis answered.
     *
     * @param text the text
     * @return the text on one line, its control characters escaped
     */
    public static String oneLine(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '\n') {
                sb.append("\\n");
            } else if (ch == '\r') {
                sb.append("\\r");
            } else if (ch == '\t') {
                sb.append("\\t");
            } else if (Character.isISOControl(ch) || ch == '\u2028' || ch == '\u2029' || isBidiControl(ch)) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }

    /**
     * Whether {@code c} is one of Unicode's bidirectional formatting characters: the embeddings,
     * overrides and isolates, and the marks.
     *
     * @param c the character
     * @return whether it is one
     */
    public static boolean isBidiControl(char c) {
        return c >= '\u202a' && c <= '\u202e' || c >= '\u2066' && c <= '\u2069' || c == '\u200e' || c == '\u200f'
                || c == '\u061c';
    }
}
