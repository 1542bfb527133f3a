package goflow.impl.stream;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import goflow.api.context.Context;
import goflow.api.stream.StreamSource;

/**
 * A test source of 1, 2, ..., {@code size} that counts opens, reads and closes; it can fail while
 * reading (at element {@code failAt}) or block once exhausted until its context is done.
 */
final class TrackingSource implements StreamSource<Integer> {
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger read = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    /** Reads attempted after the cursor was closed: must stay 0. */
    final AtomicInteger readAfterClose = new AtomicInteger();
    private final int size;
    private int failAt = -1;
    private boolean blockAtEnd;
    private Exception closeFailure;

    TrackingSource(int size) {
        this.size = size;
    }

    TrackingSource failingAt(int element) {
        this.failAt = element;
        return this;
    }

    TrackingSource blockingAtEnd() {
        this.blockAtEnd = true;
        return this;
    }

    TrackingSource failingOnClose(Exception e) {
        this.closeFailure = e;
        return this;
    }

    @Override
    public Cursor<Integer> open(Context ctx) {
        opened.incrementAndGet();
        return new Cursor<>() {
            private int next = 1;

            @Override
            public boolean tryAdvance(Context c, Consumer<? super Integer> action) throws Exception {
                if (closed.get() > 0) {
                    readAfterClose.incrementAndGet();
                }
                if (next == failAt) {
                    throw new IOException("disk on fire at " + next);
                }
                if (next > size) {
                    if (!blockAtEnd) {
                        return false;
                    }
                    while (!c.isDone()) {
                        c.sleep(java.time.Duration.ofMillis(5));
                    }
                    c.throwIfDone();
                }
                read.incrementAndGet();
                action.accept(next++);
                return true;
            }

            @Override
            public void close() throws Exception {
                closed.incrementAndGet();
                if (closeFailure != null) {
                    throw closeFailure;
                }
            }
        };
    }
}
