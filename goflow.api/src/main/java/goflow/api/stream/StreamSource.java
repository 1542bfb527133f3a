package goflow.api.stream;

import java.util.function.Consumer;

import org.osgi.annotation.versioning.ConsumerType;

import goflow.api.context.Context;

/**
 * A source of stream elements, implemented by users and by plugins. A source is a factory: every
 * stream built on it {@link #open(Context) opens} its own {@link Cursor} when its terminal
 * operation starts, and the stream closes that cursor when the operation ends, whether it
 * completes, fails, stops early (for example after {@code limit} or {@code findFirst}) or is
 * cancelled. A stream that never runs a terminal operation never opens a cursor.
 *
 * <p>In an OSGi framework a plugin registers a {@code StreamSource} service with the service
 * property {@link #NAME_PROPERTY}; goflow then lists it in {@link goflow.api.GoFlow#streamSources()}
 * under that name, so that {@code goflow.streams().named("orders", Order.class)} streams from it.
 * On a plain JVM, register sources with {@link StreamSources#register(String, StreamSource)}.
 *
 * <pre>{@code
 * StreamSource<Integer> countdown = ctx -> new StreamSource.Cursor<>() {
 *     int next = 3;
 *     public boolean tryAdvance(Context ctx, Consumer<? super Integer> action) {
 *         if (next == 0) {
 *             return false;
 *         }
 *         action.accept(next--);
 *         return true;
 *     }
 * };
 * }</pre>
 *
 * <p>Implementations must be thread-safe: several streams may open cursors at once, from several
 * threads. Each cursor is used by one thread at a time.
 *
 * @param <T> the element type
 */
@ConsumerType
@FunctionalInterface
public interface StreamSource<T> {

    /**
     * The service property holding a source's name, under which it is listed in
     * {@link StreamSources}: {@value}.
     */
    String NAME_PROPERTY = "goflow.source.name";

    /**
     * Opens a cursor over this source's elements, for one stream.
     *
     * @param ctx the context of the terminal operation that opens it; a blocking open should give
     *     up when it is done
     * @return a new cursor, positioned before the first element
     * @throws InterruptedException if the thread is interrupted while opening
     * @throws Exception if the source cannot be opened; the terminal operation then throws a
     *     {@link StreamException} with it as the cause
     */
    Cursor<T> open(Context ctx) throws Exception;

    /**
     * One pass over a source's elements, in the style of {@link java.util.Spliterator#tryAdvance}.
     * Used by one thread at a time.
     *
     * @param <T> the element type
     */
    @ConsumerType
    interface Cursor<T> extends AutoCloseable {

        /**
         * Passes the next element to {@code action}, or returns {@code false} when there is none.
         * A blocking cursor should wait no longer than {@code ctx} allows: throw
         * {@code ctx.error()}'s exception (or return what it has) once {@code ctx} is done.
         *
         * @param ctx the context of the running terminal operation; it is also done when the
         *     stream stops early or is closed
         * @param action called exactly once with the element, before this method returns, when it
         *     returns {@code true}; valid only during the call
         * @return {@code true} if an element was passed, {@code false} at the end
         * @throws InterruptedException if the thread is interrupted while waiting
         * @throws Exception if reading fails; the terminal operation then throws a
         *     {@link StreamException} with it as the cause (unchecked exceptions pass unchanged)
         */
        boolean tryAdvance(Context ctx, Consumer<? super T> action) throws Exception;

        /**
         * The close hook: releases what the cursor holds. Called exactly once, when the terminal
         * operation ends for any reason. The default does nothing.
         *
         * @throws Exception if releasing fails; reported as a {@link StreamException}, or as a
         *     suppressed exception when the operation already failed
         */
        @Override
        default void close() throws Exception {
        }
    }
}
