package goflow.plugin.sources;

import java.io.IOException;
import java.io.Reader;
import java.util.Arrays;

/**
 * Reads lines as {@link java.io.BufferedReader#readLine()} does (ended by {@code \n}, {@code \r} or
 * {@code \r\n}; the end of the input ends the last line), but refuses a line longer than a limit
 * as soon as it has read one character too many, so memory stays bounded by the limit however
 * long the line: the line so far is at most {@code maxLength} characters, plus a fixed buffer.
 *
 * <p>Not thread-safe: each cursor has its own, used by one thread at a time.
 */
final class LineReader implements AutoCloseable {
    private static final int BUFFER = 8192;

    private final Reader in;
    private final int maxLength;
    private final String source;
    private final Object file;
    /** Characters read from {@code in}, not yet taken: {@code buf[pos .. end)}. */
    private final char[] buf = new char[BUFFER];
    private int pos;
    private int end;
    /** The previous line ended with {@code \r}: a {@code \n} right after it belongs to that end. */
    private boolean skipLf;
    /** The line being read: {@code line[0 .. length)}; grows up to {@code maxLength}, never beyond. */
    private char[] line = new char[0];
    /** Lines returned so far: the line being read is number {@code lines + 1}. */
    private long lines;

    /**
     * Creates a reader.
     *
     * @param in the characters; closed by {@link #close()}
     * @param maxLength the longest line accepted, in characters, terminator excluded; at least 1
     * @param source the source's name, for errors
     * @param file what is read, for errors
     */
    LineReader(Reader in, int maxLength, String source, Object file) {
        this.in = in;
        this.maxLength = maxLength;
        this.source = source;
        this.file = file;
    }

    /**
     * Reads the next line.
     *
     * @return the line without its terminator, or {@code null} at the end of the input
     * @throws IOException if reading fails, or if the line is longer than {@code maxLength}: then
     *     naming the source, the file, the line number (from 1) and the limit
     */
    String readLine() throws IOException {
        int length = 0;
        boolean any = false;
        while (true) {
            if (pos == end) {
                int n = in.read(buf, 0, BUFFER);
                if (n < 0) {
                    if (!any) {
                        return null;
                    }
                    lines++;
                    return new String(line, 0, length);
                }
                pos = 0;
                end = n;
            }
            if (skipLf) {
                skipLf = false;
                if (buf[pos] == '\n') {
                    pos++;
                    continue;
                }
            }
            any = true;
            int i = pos;
            while (i < end && buf[i] != '\n' && buf[i] != '\r') {
                i++;
            }
            int taken = i - pos;
            if (taken > maxLength - length) {
                throw new IOException("source '" + source + "': line " + (lines + 1) + " of " + file
                        + " is longer than maxLineLength " + maxLength + " characters");
            }
            if (length + taken > line.length) {
                line = Arrays.copyOf(line, (int) Math.min(maxLength, Math.max(length + taken, 2L * line.length)));
            }
            System.arraycopy(buf, pos, line, length, taken);
            length += taken;
            pos = i;
            if (i < end) {
                skipLf = buf[i] == '\r';
                pos++;
                lines++;
                return new String(line, 0, length);
            }
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
