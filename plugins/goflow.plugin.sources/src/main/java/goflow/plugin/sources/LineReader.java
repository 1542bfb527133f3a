package goflow.plugin.sources;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.util.Arrays;

/**
 * Reads lines as {@link java.io.BufferedReader#readLine()} does (ended by {@code \n}, {@code \r} or
 * {@code \r\n}; the end of the input ends the last line), except that a byte order mark (U+FEFF as
 * the first character of the input) is dropped, and refuses a line longer than a limit
 * as soon as it has read one character too many, so memory stays bounded by the limit however
 * long the line: the line so far is at most {@code maxLength} characters, plus a fixed buffer.
 *
 * <p>It decodes the bytes itself, so that bytes not in the charset fail with an error naming the
 * line and the byte offset once the lines before them have been returned (a decoding
 * {@link java.io.Reader} fails a whole read, losing the good characters read with the bad bytes,
 * and its error names neither).
 *
 * <p>Not thread-safe: each cursor has its own, used by one thread at a time.
 */
final class LineReader implements AutoCloseable {
    private static final int BUFFER = 8192;

    private final InputStream in;
    private final CharsetDecoder decoder;
    private final int maxLength;
    private final String source;
    private final Object file;
    /** Bytes read from {@code in}, not yet decoded: from its position to its limit. */
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER).flip();
    /** Bytes read from {@code in} so far. */
    private long bytesRead;
    /** {@code in} is exhausted. */
    private boolean eof;
    /** Every byte has been decoded and the decoder flushed: nothing more comes. */
    private boolean done;
    /** Characters decoded, not yet taken: {@code buf[pos .. end)}. */
    private final char[] buf = new char[BUFFER];
    private final CharBuffer chars = CharBuffer.wrap(buf);
    private int pos;
    private int end;
    /** Nothing has been decoded yet: a U+FEFF first is a byte order mark, not text. */
    private boolean atStart = true;
    /** The previous line ended with {@code \r}: a {@code \n} right after it belongs to that end. */
    private boolean skipLf;
    /** The line being read: {@code line[0 .. length)}; grows up to {@code maxLength}, never beyond. */
    private char[] line = new char[0];
    /** Lines returned so far: the line being read is number {@code lines + 1}. */
    private long lines;

    /**
     * Creates a reader.
     *
     * @param in the bytes; closed by {@link #close()}
     * @param decoder the decoder of the file's charset, which reports malformed and unmappable input
     * @param maxLength the longest line accepted, in characters, terminator excluded; at least 1
     * @param source the source's name, for errors
     * @param file what is read, for errors
     */
    LineReader(InputStream in, CharsetDecoder decoder, int maxLength, String source, Object file) {
        this.in = in;
        this.decoder = decoder;
        this.maxLength = maxLength;
        this.source = source;
        this.file = file;
    }

    /**
     * Reads the next line.
     *
     * @return the line without its terminator, or {@code null} at the end of the input
     * @throws IOException if reading fails; if the line is longer than {@code maxLength}: then
     *     naming the source, the file, the line number (from 1) and the limit; or if it has bytes
     *     not in the charset: then naming the source, the file, the line number, the charset and
     *     the bad bytes' offset in the file (from 0)
     */
    String readLine() throws IOException {
        int length = 0;
        boolean any = false;
        while (true) {
            if (pos == end) {
                int n = decode();
                if (n < 0) {
                    if (!any) {
                        return null;
                    }
                    lines++;
                    return new String(line, 0, length);
                }
                pos = 0;
                end = n;
                if (atStart) {
                    atStart = false;
                    if (buf[0] == '\uFEFF') {
                        pos = 1;
                        continue;
                    }
                }
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

    /**
     * Decodes the next characters into {@code buf[0 .. n)}.
     *
     * @return n, at least 1; or -1 at the end of the input
     * @throws IOException if reading fails, or if the next bytes are not in the charset
     */
    private int decode() throws IOException {
        if (done) {
            return -1;
        }
        chars.clear();
        while (true) {
            CoderResult cr = decoder.decode(bytes, chars, eof);
            if (cr.isError()) {
                if (chars.position() > 0) {
                    return chars.position(); // the characters before the bad bytes first; they fail the next call
                }
                throw notInCharset(cr);
            }
            if (chars.position() > 0 && (cr.isOverflow() || !eof)) {
                return chars.position();
            }
            if (eof) {
                if (decoder.flush(chars).isOverflow()) {
                    return chars.position(); // a stateful charset's last characters did not fit: the rest next call
                }
                done = true;
                return chars.position() > 0 ? chars.position() : -1;
            }
            bytes.compact();
            int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
            if (n < 0) {
                eof = true;
            } else {
                bytes.position(bytes.position() + n);
                bytesRead += n;
            }
            bytes.flip();
        }
    }

    private IOException notInCharset(CoderResult cr) {
        CharacterCodingException cause;
        try {
            cr.throwException();
            throw new AssertionError("not an error: " + cr);
        } catch (CharacterCodingException e) {
            cause = e;
        }
        int n = cr.length();
        return new IOException("source '" + source + "': line " + (lines + 1) + " of " + file + " is not "
                + decoder.charset().name() + ": " + n + (cr.isMalformed() ? " malformed" : " unmappable")
                + (n == 1 ? " byte" : " bytes") + " at byte offset " + (bytesRead - bytes.remaining()), cause);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
