package goflow.impl.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;

/**
 * Where an {@link AsyncWriterImpl} writes: an {@link OutputStream} or a decoding {@link Writer}.
 * Used by the background thread only, so not thread-safe.
 *
 * <p>Contract of {@link #write}: it returns how many of the given bytes it consumed (at least one
 * when it returns normally). When it throws, it consumed none of them, and the caller retries from
 * the same offset.
 */
interface WriterOutput {
    int write(byte[] b, int off, int len) throws IOException;

    void flush() throws IOException;

    /**
     * Writes what the output holds back once no more bytes will come (a decoding writer: the
     * replacement of a character cut off for good), whether or not the output is then closed.
     * Bytes of a failed {@link #write} that was not retried since are given up: nothing of them
     * is written.
     */
    default void finish() throws IOException {
    }

    void close() throws IOException;

    static WriterOutput of(OutputStream out) {
        return new WriterOutput() {
            @Override
            public int write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
                return len;
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    static WriterOutput of(Writer out, Charset charset) {
        return new WriterSink(out, charset);
    }

    /**
     * Decodes bytes into characters. A character split across two writes is completed by the second
     * one (its first bytes are carried over). If the writer fails, the decoded characters are
     * kept with the number of bytes they came from; the retry (which starts at the same offset)
     * writes those characters and reports that many bytes consumed, so nothing is decoded twice.
     */
    final class WriterSink implements WriterOutput {
        private final Writer out;
        private final CharsetDecoder decoder;
        /** Characters decoded but not yet accepted by the writer, or null. */
        private char[] pending;
        private int pendingLen;
        /** How many input bytes {@code pending} stands for. */
        private int pendingBytes;
        /** Trailing bytes of an incomplete character, decoded with the next write. */
        private byte[] carry = new byte[0];
        /**
         * The carry that {@code pending} took in (bytes already reported consumed), kept while
         * {@code pending} is not written: should its bytes never be (the writer discarded them),
         * these bytes are the character cut off for good, not {@code carry}.
         */
        private byte[] pendingCarry;

        WriterSink(Writer out, Charset charset) {
            this.out = out;
            this.decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE);
        }

        @Override
        public int write(byte[] b, int off, int len) throws IOException {
            if (pending == null) {
                ByteBuffer in;
                if (carry.length == 0) {
                    in = ByteBuffer.wrap(b, off, len);
                } else {
                    in = ByteBuffer.allocate(carry.length + len).put(carry).put(b, off, len).flip();
                }
                CharBuffer chars = CharBuffer.allocate(
                        (int) Math.ceil(in.remaining() * (double) decoder.maxCharsPerByte()) + 4);
                decoder.decode(in, chars, false);
                // the bytes of a character cut off at the end wait for the next write
                pendingCarry = carry;
                carry = new byte[in.remaining()];
                in.get(carry);
                pending = chars.array();
                pendingLen = chars.position();
                pendingBytes = len;
            }
            out.write(pending, 0, pendingLen);
            pending = null;
            pendingCarry = null;
            return pendingBytes;
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void finish() throws IOException {
            if (pending != null) {
                // never written: the writer gave its bytes up (counted them as discarded); of
                // what they were decoded with, only the carry they took in was written
                pending = null;
                carry = pendingCarry;
                pendingCarry = null;
            }
            if (carry.length > 0) {
                // a character cut off for good: write its replacement
                CharBuffer chars = CharBuffer.allocate(8);
                decoder.decode(ByteBuffer.wrap(carry), chars, true);
                decoder.flush(chars);
                carry = new byte[0];
                out.write(chars.array(), 0, chars.position());
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            try {
                finish();
            } finally {
                out.close();
            }
        }
    }
}
