package goflow.api.stream;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BinaryOperator;
import java.util.stream.Collector;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.context.Context;
import goflow.api.function.ThrowingConsumer;
import goflow.api.function.ThrowingFunction;
import goflow.api.function.ThrowingPredicate;

/**
 * A lazy, pull-based, single-use sequence of elements, created through
 * {@link goflow.api.GoFlow#streams()}.
 *
 * <pre>{@code
 * List<String> names = goflow.stream(users)
 *         .filter(User::active)
 *         .map(User::name)
 *         .sorted()
 *         .limit(10)
 *         .toList(ctx);
 * }</pre>
 *
 * <p><b>Laziness.</b> Intermediate operations only describe the chain; nothing runs until a
 * terminal operation. The terminal operation then pulls one element at a time from the source, on
 * the calling thread, and each element passes through the whole chain before the next is pulled.
 * Nothing is read ahead: {@code generate(g).peek(p).limit(5).toList(ctx)} calls {@code g} and
 * {@code p} exactly five times. The exceptions are the operations that must see more than one
 * element ({@code sorted}, {@code batch}, {@code window} collect what they need) and
 * {@code mapConcurrent}, which keeps up to its parallelism of elements in flight.
 *
 * <p><b>Threads.</b> No thread is started except by {@link #mapConcurrent} and {@link #window};
 * their threads are named {@code goflow-stream-<stream>-<n>} and have ended when the terminal
 * operation returns, however it ends.
 *
 * <p><b>Single use.</b> Every operation, intermediate or terminal, consumes the stream it is
 * applied to: applying a second operation to the same stream object, or any operation after a
 * terminal operation or {@link #close()}, throws {@link StreamClosedException}. Derive each chain
 * once, from a fresh source stream.
 *
 * <p><b>Ending.</b> Every terminal operation takes a {@link Context} and checks it before each
 * element it pulls (and while it waits), so cancelling the context or reaching its deadline stops
 * the operation promptly with a {@link goflow.api.context.CancelledException} or
 * {@link goflow.api.context.DeadlineExceededException}. Whatever the ending (completion, an
 * exception, an early stop by {@code limit}, {@code takeWhile} or a short-circuiting terminal
 * operation, cancellation, or {@link #close()} from another thread), the terminal operation closes
 * the stream: it stops the operation's threads, then runs every close hook of the source (and of
 * the inner streams of {@code flatMap}).
 *
 * <p><b>Failures of your functions.</b> The functions that receive one element at a time
 * ({@code filter}, {@code map}, {@code flatMap}, {@code peek}, {@code takeWhile},
 * {@code dropWhile}, {@code mapConcurrent}, {@code forEach}, {@code anyMatch}, {@code allMatch},
 * {@code noneMatch}) are {@code goflow.api.function} types that may throw checked exceptions, so
 * blocking I/O needs no wrapping; pass an existing JDK function {@code f} as {@code f::apply}
 * (or {@code p::test}, {@code c::accept}). Whatever such a function throws ends the terminal
 * operation (after it closed the stream), also when it was thrown on a thread of
 * {@code mapConcurrent} or {@code window}:
 * <ul>
 * <li>an unchecked exception or an {@link Error} is thrown unchanged (the same object);
 * <li>an {@link InterruptedException} is thrown as is by the terminal operation, which declares
 * it: the stream ends as interrupted, exactly as when the calling thread is interrupted while the
 * stream waits. As with any method that throws {@code InterruptedException}, the interrupt flag
 * is then clear: a caller that cannot rethrow the exception should restore the flag with
 * {@code Thread.currentThread().interrupt()}. (When the stream stops its own threads, for
 * example after {@code limit} or a failure, the {@code InterruptedException}s this causes in
 * {@code mapConcurrent}'s mapper are not reported.)
 * <li>any other checked exception arrives as a {@link StreamException} naming the stream and
 * the operation, whose {@linkplain StreamException#getCause() cause} is that exception.
 * </ul>
 * Comparators, accumulators and collectors are plain JDK types (they combine elements and should
 * not block); their unchecked exceptions and errors reach the caller unchanged. A source's checked
 * exceptions arrive as {@link StreamException}, and so does a checked exception that any of these
 * JDK-typed functions or sources throws undeclared (Lombok's {@code @SneakyThrows}, Kotlin code).
 *
 * <p><b>Nulls.</b> Elements may be {@code null}, except where an {@link Optional} is returned
 * ({@code findFirst}, {@code min}, {@code max}, {@code reduce} without identity), which throw
 * {@link NullPointerException} for a null result, as {@code java.util.stream} does. Null
 * arguments to operations throw {@link goflow.api.InvalidConfigException}.
 *
 * <p><b>Thread safety.</b> Not thread-safe: build and consume a stream on one thread (functions run
 * on the thread of the terminal operation, except those upstream of {@code window} and the mapper
 * of {@code mapConcurrent}). {@link #close()} alone may be called from any thread.
 *
 * @param <T> the element type
 */
@ProviderType
public interface Stream<T> extends AutoCloseable {

    // ---------------------------------------------------------------------------------------------
    // Intermediate operations
    // ---------------------------------------------------------------------------------------------

    /**
     * Keeps the elements that match {@code predicate}.
     *
     * @param predicate the test; may throw (see the class documentation)
     * @return the new stream
     */
    Stream<T> filter(ThrowingPredicate<? super T> predicate);

    /**
     * Replaces each element by {@code mapper}'s result, of any type.
     *
     * @param <R> the new element type
     * @param mapper the function; may throw (see the class documentation)
     * @return the new stream
     */
    <R> Stream<R> map(ThrowingFunction<? super T, ? extends R> mapper);

    /**
     * Replaces each element by the elements of the stream {@code mapper} returns for it, in order.
     * Each inner stream is run with the same context and closed once its elements have been
     * passed on (or the outer stream ends). A {@code null} result counts as an empty stream.
     *
     * @param <R> the new element type
     * @param mapper returns a fresh stream created by this goflow for each element; may throw
     *     (see the class documentation)
     * @return the new stream
     */
    <R> Stream<R> flatMap(ThrowingFunction<? super T, ? extends Stream<? extends R>> mapper);

    /**
     * Drops elements equal ({@link Object#equals}) to an earlier one, keeping the first
     * occurrence. Remembers every distinct element seen.
     *
     * @return the new stream
     */
    Stream<T> distinct();

    /**
     * Sorts the elements by their natural order; stable (equal elements keep their order).
     * Collects the whole upstream first, so it never ends on an infinite stream.
     *
     * @return the new stream
     * @throws ClassCastException from the terminal operation if the elements are not
     *     {@link Comparable}
     */
    Stream<T> sorted();

    /**
     * Sorts the elements with {@code comparator}; stable (equal elements keep their order).
     * Collects the whole upstream first, so it never ends on an infinite stream.
     *
     * @param comparator the order
     * @return the new stream
     */
    Stream<T> sorted(Comparator<? super T> comparator);

    /**
     * Drops the first {@code n} elements.
     *
     * @param n how many to drop; zero drops nothing
     * @return the new stream
     * @throws goflow.api.InvalidConfigException if {@code n} is negative
     */
    Stream<T> skip(long n);

    /**
     * Passes at most the first {@code n} elements, then ends without pulling another;
     * {@code limit(0)} pulls nothing at all.
     *
     * @param n the maximum number of elements
     * @return the new stream
     * @throws goflow.api.InvalidConfigException if {@code n} is negative
     */
    Stream<T> limit(long n);

    /**
     * Calls {@code action} with each element as it passes, then passes it on unchanged.
     *
     * @param action the action; may throw (see the class documentation)
     * @return the new stream
     */
    Stream<T> peek(ThrowingConsumer<? super T> action);

    /**
     * Passes elements while they match {@code predicate}; ends at the first that does not (that
     * one is dropped, and nothing after it is pulled).
     *
     * @param predicate the test; may throw (see the class documentation)
     * @return the new stream
     */
    Stream<T> takeWhile(ThrowingPredicate<? super T> predicate);

    /**
     * Drops elements while they match {@code predicate}, then passes the first that does not and
     * every element after it.
     *
     * @param predicate the test; may throw (see the class documentation)
     * @return the new stream
     */
    Stream<T> dropWhile(ThrowingPredicate<? super T> predicate);

    /**
     * Groups consecutive elements into lists of {@code size}; the last list holds what remains
     * (never empty). A list is passed on as soon as it is full, so nothing beyond it is pulled.
     * The lists are unmodifiable.
     *
     * @param size the number of elements per list
     * @return the new stream of lists
     * @throws goflow.api.InvalidConfigException if {@code size} is not positive
     */
    Stream<List<T>> batch(int size);

    /**
     * Groups elements by the time they arrive: {@code window} periods follow each other from the
     * moment the terminal operation starts, measured on goflow's clock, and at the end of each
     * period the elements pulled during it are passed on as one unmodifiable list. Periods without
     * elements pass nothing. When the upstream ends, what was collected so far is passed on at
     * once; when it fails, what was collected is passed on, then the failure is thrown.
     *
     * <p>The upstream is pulled by a thread of its own ({@code goflow-stream-<stream>-<n>}), so
     * the functions of the operations before {@code window} run on that thread; it stops when the
     * terminal operation ends. The number of elements per window is not bounded: use
     * {@link #window(Duration, int)} for that.
     *
     * @param window the length of each period
     * @return the new stream of lists
     * @throws goflow.api.InvalidConfigException if {@code window} is null, zero or negative
     */
    Stream<List<T>> window(Duration window);

    /**
     * Like {@link #window(Duration)}, but also passes a list on as soon as it holds
     * {@code maxSize} elements (the period goes on; its next list starts empty), and makes the
     * upstream thread wait while a full list has not been taken yet, so at most {@code 2 * maxSize}
     * elements are held.
     *
     * @param window the length of each period
     * @param maxSize the most elements in one list
     * @return the new stream of lists
     * @throws goflow.api.InvalidConfigException if {@code window} is not positive or
     *     {@code maxSize} is not positive
     */
    Stream<List<T>> window(Duration window, int maxSize);

    /**
     * Applies {@code mapper} on up to {@code parallelism} threads at once and passes the results
     * on in the order of the input. Pulls up to {@code parallelism} elements ahead of the one
     * being passed on. Results are passed on when the next element arrives (those finished by
     * then, oldest first, as {@code java.util.stream.Gatherers.mapConcurrent} does), when room for
     * it is needed, and when the source ends: a source that waits for its next element holds back
     * the results finished meanwhile. The threads ({@code goflow-stream-<stream>-<n>}, started as needed) are
     * interrupted and have ended when the terminal operation returns, also when it stops early; a
     * mapper that ignores interruption delays that return.
     *
     * <p>The mapper is meant for blocking work (I/O, waiting) and may throw checked exceptions.
     * What it throws ends the terminal operation when its element's turn comes, after the results
     * of the elements before it were passed on: unchecked exceptions and errors unchanged, an
     * {@link InterruptedException} as is (the stream ends as interrupted), other checked exceptions
     * as the cause of a {@link StreamException}. The mapper's thread is interrupted only when the
     * stream stops; the {@code InterruptedException} that causes is not reported.
     *
     * @param <R> the new element type
     * @param parallelism the most mapper calls running at once
     * @param mapper the function, called on the stream's threads, several at once
     * @return the new stream
     * @throws goflow.api.InvalidConfigException if {@code parallelism} is not positive
     */
    <R> Stream<R> mapConcurrent(int parallelism, ThrowingFunction<? super T, ? extends R> mapper);

    /**
     * Passes each element on only after taking one token from {@code limiter}
     * ({@link goflow.api.ratelimit.RateLimiter#await(Context)}, with the terminal operation's
     * context), so elements pass no faster than the limiter's rate. The element is pulled first,
     * then waits; nothing else is read ahead. The limiter is shared, not owned: the stream never
     * closes it. Its errors (for example {@link goflow.api.ClosedException} once it is closed, or
     * {@link goflow.api.ratelimit.ZeroRateException}) end the terminal operation.
     *
     * @param limiter the limiter to take tokens from
     * @return the new stream
     */
    Stream<T> throttle(goflow.api.ratelimit.RateLimiter limiter);

    /**
     * Adds a close hook: {@code action} runs when the stream is closed, after the source's own
     * hooks, whatever the ending. An exception it throws is reported like a failing source close.
     *
     * @param action the hook
     * @return the new stream
     */
    Stream<T> onClose(Runnable action);

    // ---------------------------------------------------------------------------------------------
    // Terminal operations: each consumes and closes the stream.
    // ---------------------------------------------------------------------------------------------

    /**
     * Calls {@code action} with each element, in order, on the calling thread.
     *
     * @param ctx stops the operation when done
     * @param action the action; may throw (see the class documentation)
     * @throws InterruptedException if the thread is interrupted while the stream waits, or a
     *     function of the chain threw it
     * @throws goflow.api.context.ContextException if {@code ctx} is done first
     * @throws StreamClosedException if the stream was already used or closed
     * @throws StreamException if a function of the chain threw a checked exception (its cause)
     */
    void forEach(Context ctx, ThrowingConsumer<? super T> action) throws InterruptedException;

    /**
     * Collects the elements into a list.
     *
     * @param ctx stops the operation when done
     * @return an unmodifiable list of the elements, in order
     * @throws InterruptedException if the thread is interrupted while the stream waits, or a
     *     function of the chain threw it
     * @throws goflow.api.context.ContextException if {@code ctx} is done first
     * @throws StreamClosedException if the stream was already used or closed
     * @throws StreamException if a function of the chain threw a checked exception (its cause)
     */
    List<T> toList(Context ctx) throws InterruptedException;

    /**
     * Folds the elements from the left, starting with {@code identity}.
     *
     * @param ctx stops the operation when done
     * @param identity the start value, returned for an empty stream
     * @param accumulator combines the result so far with the next element
     * @return the result
     * @throws InterruptedException if the thread is interrupted while the stream waits, or a
     *     function of the chain threw it
     * @throws goflow.api.context.ContextException if {@code ctx} is done first
     * @throws StreamClosedException if the stream was already used or closed
     * @throws StreamException if a function of the chain threw a checked exception (its cause)
     */
    T reduce(Context ctx, T identity, BinaryOperator<T> accumulator) throws InterruptedException;

    /**
     * Folds the elements from the left, starting with the first.
     *
     * @param ctx stops the operation when done
     * @param accumulator combines the result so far with the next element
     * @return the result, or empty for an empty stream
     * @throws NullPointerException if the result is null
     * @throws InterruptedException if the thread is interrupted while the stream waits, or a
     *     function of the chain threw it
     * @throws goflow.api.context.ContextException if {@code ctx} is done first
     * @throws StreamClosedException if the stream was already used or closed
     * @throws StreamException if a function of the chain threw a checked exception (its cause)
     */
    Optional<T> reduce(Context ctx, BinaryOperator<T> accumulator) throws InterruptedException;

    /**
     * Collects the elements with a {@code java.util.stream.Collector} ({@code Collectors.toSet()},
     * {@code groupingBy}, {@code joining}, ...): one container from its supplier, its accumulator
     * for each element in order, then its finisher. The combiner is never needed.
     *
     * @param <R> the result type
     * @param <A> the collector's container type
     * @param ctx stops the operation when done
     * @param collector the collector
     * @return the finished result
     * @throws InterruptedException if the thread is interrupted while the stream waits, or a
     *     function of the chain threw it
     * @throws goflow.api.context.ContextException if {@code ctx} is done first
     * @throws StreamClosedException if the stream was already used or closed
     * @throws StreamException if a function of the chain threw a checked exception (its cause)
     */
    <R, A> R collect(Context ctx, Collector<? super T, A, R> collector) throws InterruptedException;

    /**
     * Counts the elements.
     *
     * @param ctx stops the operation when done
     * @return the number of elements
     * @throws InterruptedException if the thread is interrupted while the stream waits, or a
     *     function of the chain threw it
     * @throws goflow.api.context.ContextException if {@code ctx} is done first
     * @throws StreamClosedException if the stream was already used or closed
     * @throws StreamException if a function of the chain threw a checked exception (its cause)
     */
    long count(Context ctx) throws InterruptedException;

    /**
     * Returns whether some element matches; stops pulling at the first match.
     *
     * @param ctx stops the operation when done
     * @param predicate the test; may throw (see the class documentation)
     * @return {@code true} at the first match, {@code false} if none (or the stream is empty)
     * @throws InterruptedException if the thread is interrupted while the stream waits, or a
     *     function of the chain threw it
     * @throws goflow.api.context.ContextException if {@code ctx} is done first
     * @throws StreamClosedException if the stream was already used or closed
     * @throws StreamException if a function of the chain threw a checked exception (its cause)
     */
    boolean anyMatch(Context ctx, ThrowingPredicate<? super T> predicate) throws InterruptedException;

    /**
     * Returns whether every element matches; stops pulling at the first that does not.
     *
     * @param ctx stops the operation when done
     * @param predicate the test; may throw (see the class documentation)
     * @return {@code false} at the first mismatch, {@code true} otherwise (also when empty)
     * @throws InterruptedException if the thread is interrupted while the stream waits, or a
     *     function of the chain threw it
     * @throws goflow.api.context.ContextException if {@code ctx} is done first
     * @throws StreamClosedException if the stream was already used or closed
     * @throws StreamException if a function of the chain threw a checked exception (its cause)
     */
    boolean allMatch(Context ctx, ThrowingPredicate<? super T> predicate) throws InterruptedException;

    /**
     * Returns whether no element matches; stops pulling at the first match.
     *
     * @param ctx stops the operation when done
     * @param predicate the test; may throw (see the class documentation)
     * @return {@code false} at the first match, {@code true} otherwise (also when empty)
     * @throws InterruptedException if the thread is interrupted while the stream waits, or a
     *     function of the chain threw it
     * @throws goflow.api.context.ContextException if {@code ctx} is done first
     * @throws StreamClosedException if the stream was already used or closed
     * @throws StreamException if a function of the chain threw a checked exception (its cause)
     */
    boolean noneMatch(Context ctx, ThrowingPredicate<? super T> predicate) throws InterruptedException;

    /**
     * Returns the first element, pulling nothing after it.
     *
     * @param ctx stops the operation when done
     * @return the first element, or empty for an empty stream
     * @throws NullPointerException if the first element is null
     * @throws InterruptedException if the thread is interrupted while the stream waits, or a
     *     function of the chain threw it
     * @throws goflow.api.context.ContextException if {@code ctx} is done first
     * @throws StreamClosedException if the stream was already used or closed
     * @throws StreamException if a function of the chain threw a checked exception (its cause)
     */
    Optional<T> findFirst(Context ctx) throws InterruptedException;

    /**
     * Returns the smallest element; of equal smallest elements, the first.
     *
     * @param ctx stops the operation when done
     * @param comparator the order
     * @return the smallest element, or empty for an empty stream
     * @throws NullPointerException if the result is null
     * @throws InterruptedException if the thread is interrupted while the stream waits, or a
     *     function of the chain threw it
     * @throws goflow.api.context.ContextException if {@code ctx} is done first
     * @throws StreamClosedException if the stream was already used or closed
     * @throws StreamException if a function of the chain threw a checked exception (its cause)
     */
    Optional<T> min(Context ctx, Comparator<? super T> comparator) throws InterruptedException;

    /**
     * Returns the largest element; of equal largest elements, the first.
     *
     * @param ctx stops the operation when done
     * @param comparator the order
     * @return the largest element, or empty for an empty stream
     * @throws NullPointerException if the result is null
     * @throws InterruptedException if the thread is interrupted while the stream waits, or a
     *     function of the chain threw it
     * @throws goflow.api.context.ContextException if {@code ctx} is done first
     * @throws StreamClosedException if the stream was already used or closed
     * @throws StreamException if a function of the chain threw a checked exception (its cause)
     */
    Optional<T> max(Context ctx, Comparator<? super T> comparator) throws InterruptedException;

    // ---------------------------------------------------------------------------------------------
    // Control
    // ---------------------------------------------------------------------------------------------

    /**
     * Closes the whole chain this stream belongs to. Before a terminal operation: runs the close
     * hooks now, and every later operation throws {@link StreamClosedException}. During one (from
     * another thread): makes it stop promptly with {@link StreamClosedException}; it runs the
     * hooks as it ends. After one: does nothing. Idempotent.
     *
     * @throws StreamException if a close hook fails
     */
    @Override
    void close();

    /**
     * Returns whether the chain was closed, explicitly or by a terminal operation that ended.
     *
     * @return {@code true} once closed
     */
    boolean isClosed();
}
