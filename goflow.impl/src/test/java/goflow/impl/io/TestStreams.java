package goflow.impl.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/** Output streams with injected behaviour for the writer tests. All are thread-safe. */
final class TestStreams {
    private TestStreams() {
    }

    /** Records everything; can be told to fail the next N write or flush calls, and to block. */
    static class Recording extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final AtomicInteger failNext = new AtomicInteger();
        /** Fails the next N flush calls only. */
        final AtomicInteger failFlushNext = new AtomicInteger();
        final AtomicInteger writeCalls = new AtomicInteger();
        volatile boolean alwaysFail;
        volatile boolean closed;
        /** When set, write calls wait until it is counted down. */
        volatile CountDownLatch gate;
        /** Fails the write call with this (1-based) number once, if positive. */
        volatile int failCallNumber;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            int call = writeCalls.incrementAndGet();
            CountDownLatch g = gate;
            if (g != null) {
                try {
                    g.await();
                } catch (InterruptedException e) {
                    throw new IOException("interrupted", e);
                }
            }
            maybeFail("write");
            if (call == failCallNumber) {
                failCallNumber = 0;
                throw new IOException("injected failure of write call " + call);
            }
            synchronized (this) {
                bytes.write(b, off, len);
                received(b, off, len);
            }
        }

        /** Hook for subclasses, called under this stream's lock with the bytes just written. */
        void received(byte[] b, int off, int len) {
        }

        @Override
        public void flush() throws IOException {
            if (failFlushNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IOException("injected flush failure");
            }
            maybeFail("flush");
        }

        private void maybeFail(String what) throws IOException {
            if (alwaysFail) {
                throw new IOException("disk on fire (" + what + ")");
            }
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IOException("injected " + what + " failure");
            }
        }

        @Override
        public void close() {
            closed = true;
        }

        synchronized byte[] bytes() {
            return bytes.toByteArray();
        }

        String text() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }
    }
}
