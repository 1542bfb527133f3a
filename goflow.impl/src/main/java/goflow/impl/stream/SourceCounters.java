package goflow.impl.stream;

import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import goflow.api.Clock;
import goflow.api.context.Context;
import goflow.api.context.ContextException;
import goflow.api.stream.SourceStats;
import goflow.api.stream.StreamSource;

/**
 * The statistics of one source name. One instance per name and {@link SourceRegistry}, or, for
 * plugin sources in OSGi, one per name shared by the registries of every {@code GoFlow} (owned by
 * {@code goflow.impl.osgi.Plugins}), so that the counts outlive the source objects registered
 * under the name.
 *
 * <p>Thread-safe without locks: the counters are {@link LongAdder}s (the per-element path is one
 * {@code increment}), {@code lastOpened} is volatile. {@code open} is not stored but derived as
 * {@code opened - closed}; {@link #snapshot(boolean)} reads {@code closed} before {@code opened},
 * and a cursor is counted opened before it can be closed, so {@code open} is never negative.
 */
public final class SourceCounters {
    private final String name;
    private final LongAdder opened = new LongAdder();
    private final LongAdder closed = new LongAdder();
    private final LongAdder elements = new LongAdder();
    private final LongAdder failures = new LongAdder();
    /** When a cursor was last opened; null before the first. */
    private volatile Instant lastOpened;

    /**
     * Creates zeroed counters.
     *
     * @param name the source name they count
     */
    public SourceCounters(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * Returns the name counted.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Takes a snapshot.
     *
     * @param bound whether a source is registered under the name now
     * @return the snapshot
     */
    public SourceStats snapshot(boolean bound) {
        long c = closed.sum();
        long o = opened.sum();
        return new SourceStats(name, bound, o, o - c, elements.sum(), failures.sum(), c, lastOpened);
    }

    /**
     * Wraps a source so that the cursors it opens are counted here.
     *
     * @param <T> the element type
     * @param source the source
     * @param clock the clock giving {@code lastOpened}
     * @return the counting source
     */
    <T> StreamSource<T> counting(StreamSource<T> source, Clock clock) {
        return new CountingSource<>(source, clock);
    }

    /**
     * Returns the class of the object a counting source or cursor wraps (for error messages that
     * name the user's class), or of the object itself.
     *
     * @param sourceOrCursor a source or cursor, counted or not
     * @return the class to name
     */
    static Class<?> userClass(Object sourceOrCursor) {
        if (sourceOrCursor instanceof CountingSource<?> s) {
            return s.source.getClass();
        }
        if (sourceOrCursor instanceof SourceCounters.Counting<?> c) {
            return c.cursor.getClass();
        }
        return sourceOrCursor.getClass();
    }

    /** A source whose cursors are counted here; immutable. */
    private final class CountingSource<T> implements StreamSource<T> {
        private final StreamSource<T> source;
        private final Clock clock;

        CountingSource(StreamSource<T> source, Clock clock) {
            this.source = source;
            this.clock = clock;
        }

        @Override
        public Cursor<T> open(Context ctx) throws Exception {
            StreamSource.Cursor<T> cursor;
            try {
                cursor = source.open(ctx);
            } catch (Exception | Error e) {
                failed(e, ctx);
                throw e;
            }
            if (cursor == null) {
                failures.increment();
                return null;
            }
            lastOpened = clock.instant();
            opened.increment();
            return new Counting<>(cursor);
        }

        @Override
        public String toString() {
            return source.toString();
        }
    }

    /**
     * Counts what an open or advance threw as a failure, unless it gave up on an interrupt or on
     * {@code ctx} (the stream's context, done when it is cancelled or the stream stops): a
     * {@link ContextException} of another context the source uses (its own timeout) while
     * {@code ctx} is live fails the stream, and is a failure of the source.
     */
    private void failed(Throwable e, Context ctx) {
        if (!(e instanceof InterruptedException || e instanceof ContextException && ctx.isDone())) {
            failures.increment();
        }
    }

    /**
     * A counted cursor. Used by one thread at a time (the cursor contract), so its fields need no
     * synchronization; {@code done} makes a repeated close count once. An element is counted when
     * the cursor passes it to the action ({@code passed}), not when it returns {@code true}: an
     * advance that returns {@code true} without passing one or after passing more than one, or
     * {@code false} after passing one, breaks the cursor contract (the stream fails with a
     * StreamException) and counts as a failure; the elements of one advance count once.
     */
    private final class Counting<T> implements StreamSource.Cursor<T>, Consumer<T> {
        private final StreamSource.Cursor<T> cursor;
        private boolean done;
        /** The action of the advance in progress; null between advances. */
        private Consumer<? super T> action;
        /** How many elements the advance in progress passed to {@code action}. */
        private int passed;

        Counting(StreamSource.Cursor<T> cursor) {
            this.cursor = cursor;
        }

        @Override
        public boolean tryAdvance(Context ctx, Consumer<? super T> action) throws Exception {
            boolean more;
            this.action = action;
            passed = 0;
            try {
                more = cursor.tryAdvance(ctx, this);
            } catch (Exception | Error e) {
                failed(e, ctx);
                throw e;
            } finally {
                this.action = null;
            }
            if (more ? passed != 1 : passed != 0) {
                failures.increment();
            }
            return more;
        }

        /** Receives the cursor's element for the action of the advance in progress. */
        @Override
        public void accept(T element) {
            if (action == null) {
                throw new IllegalStateException("the cursor of source '" + name + "' (" + cursor.getClass().getName()
                        + ") passed an element after its tryAdvance returned: the action is valid only during the call");
            }
            if (passed++ == 0) {
                elements.increment();
            }
            action.accept(element);
        }

        @Override
        public void close() throws Exception {
            if (done) {
                return;
            }
            done = true;
            try {
                cursor.close();
            } finally {
                closed.increment();
            }
        }

        @Override
        public String toString() {
            return cursor.toString();
        }
    }
}
