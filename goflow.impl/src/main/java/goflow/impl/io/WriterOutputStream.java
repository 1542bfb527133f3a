package goflow.impl.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.Objects;

import goflow.api.GoFlowException;
import goflow.api.context.Context;
import goflow.api.io.AsyncWriter;

/** The {@link AsyncWriter#asOutputStream()} view. Thread-safe, as the writer it wraps. */
final class WriterOutputStream extends OutputStream {
    private final AsyncWriter writer;
    /**
     * Whether the writer waits for room. Only then is a write larger than the capacity split: the
     * pieces of a writer that does not wait would not all fit (the second finds the first still
     * buffered), and the output would get part of the write.
     */
    private final boolean split;

    WriterOutputStream(AsyncWriter writer, boolean blockWhenFull) {
        this.writer = writer;
        this.split = blockWhenFull;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        int done = 0; // bytes of the pieces accepted so far: they will be written whatever happens next
        try {
            int chunk = split ? writer.capacity() : len; // unsplit, a write too large is refused whole
            do {
                int n = Math.min(chunk, len - done);
                writer.write(Context.background(), b, off + done, n);
                done += n;
            } while (done < len);
        } catch (InterruptedException e) {
            InterruptedIOException io = interrupted(e);
            io.bytesTransferred = done;
            throw io;
        } catch (GoFlowException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void flush() throws IOException {
        try {
            writer.flush(Context.background());
        } catch (InterruptedException e) {
            throw interrupted(e);
        } catch (GoFlowException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        writer.close();
    }

    private static InterruptedIOException interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        InterruptedIOException io = new InterruptedIOException("interrupted while writing");
        io.initCause(e);
        return io;
    }

    @Override
    public String toString() {
        return "OutputStream[" + writer + "]";
    }
}
