package goflow.impl.stream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BinaryOperator;
import java.util.function.Supplier;
import java.util.stream.Collector;

import goflow.api.GoFlowException;
import goflow.api.context.Context;
import goflow.api.function.ThrowingConsumer;
import goflow.api.function.ThrowingFunction;
import goflow.api.function.ThrowingPredicate;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.stream.Stream;
import goflow.api.stream.StreamClosedException;
import goflow.api.stream.StreamException;
import goflow.impl.internal.Check;
import goflow.impl.internal.Durations;

/**
 * The {@link Stream} implementation: one link of a chain, holding its {@link StreamNode} and the
 * chain's {@link ChainState} state. Each operation claims this object once ({@link #usedBy}), so a
 * stream object is used by exactly one operation; see the package documentation for how a
 * terminal operation runs the stages.
 *
 * <p>Not thread-safe, as documented on {@link Stream}; {@link #close()} is (it goes to
 * {@link ChainState}), and {@link #claim} is synchronized so that a racing second use fails cleanly.
 *
 * @param <T> the element type
 */
final class StreamImpl<T> implements Stream<T> {
    static final String COMPONENT = "stream";

    final ChainState shared;
    private final StreamNode<T> stage;
    /** The operation that consumed this object, or null while unused. Guarded by {@code this}. */
    private String usedBy;

    StreamImpl(ChainState shared, StreamNode<T> stage) {
        this.shared = shared;
        this.stage = stage;
    }

    static <X> StreamImpl<X> unwrap(Stream<X> stream) {
        if (stream instanceof StreamImpl<X> impl) {
            return impl;
        }
        throw new GoFlowException("flatMap needs streams created by goflow (goflow.streams()), not "
                + stream.getClass().getName());
    }

    private synchronized void claim(String op) {
        if (usedBy != null) {
            throw new StreamClosedException("stream '" + shared.name() + "' was already used by " + usedBy
                    + "(): cannot apply " + op + "(); a stream is single use, apply one operation to each "
                    + "stream object and create a new stream for each terminal operation");
        }
        shared.checkOpen(op);
        usedBy = op;
    }

    private <R> Stream<R> derive(String op, StreamNode<R> next) {
        claim(op);
        return new StreamImpl<>(shared, next);
    }

    // ---- intermediate -------------------------------------------------------------------------

    @Override
    public Stream<T> filter(ThrowingPredicate<? super T> predicate) {
        Check.notNull(COMPONENT, "predicate", predicate);
        return derive("filter", new ElementOps.Filter<>(stage, predicate));
    }

    @Override
    public <R> Stream<R> map(ThrowingFunction<? super T, ? extends R> mapper) {
        Check.notNull(COMPONENT, "mapper", mapper);
        return derive("map", new ElementOps.Map<>(stage, mapper));
    }

    @Override
    public <R> Stream<R> flatMap(ThrowingFunction<? super T, ? extends Stream<? extends R>> mapper) {
        Check.notNull(COMPONENT, "mapper", mapper);
        return derive("flatMap", new FlatMap<>(stage, mapper));
    }

    @Override
    public Stream<T> distinct() {
        return derive("distinct", new Buffering.Distinct<>(stage));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Stream<T> sorted() {
        return sorted((Comparator<? super T>) Comparator.naturalOrder());
    }

    @Override
    public Stream<T> sorted(Comparator<? super T> comparator) {
        Check.notNull(COMPONENT, "comparator", comparator);
        return derive("sorted", new Buffering.Sorted<>(stage, comparator));
    }

    @Override
    public Stream<T> skip(long n) {
        Check.notNegative(COMPONENT, "skip", n, "the number of elements to drop");
        return derive("skip", new ElementOps.Skip<>(stage, n));
    }

    @Override
    public Stream<T> limit(long n) {
        Check.notNegative(COMPONENT, "limit", n, "the most elements to pass on");
        return derive("limit", new ElementOps.Limit<>(stage, n));
    }

    @Override
    public Stream<T> peek(ThrowingConsumer<? super T> action) {
        Check.notNull(COMPONENT, "action", action);
        return derive("peek", new ElementOps.Peek<>(stage, action));
    }

    @Override
    public Stream<T> takeWhile(ThrowingPredicate<? super T> predicate) {
        Check.notNull(COMPONENT, "predicate", predicate);
        return derive("takeWhile", new ElementOps.TakeWhile<>(stage, predicate));
    }

    @Override
    public Stream<T> dropWhile(ThrowingPredicate<? super T> predicate) {
        Check.notNull(COMPONENT, "predicate", predicate);
        return derive("dropWhile", new ElementOps.DropWhile<>(stage, predicate));
    }

    @Override
    public Stream<List<T>> batch(int size) {
        Check.positive(COMPONENT, "batch size", size, "the number of elements per list");
        return derive("batch", new Buffering.Batch<>(stage, size));
    }

    @Override
    public Stream<List<T>> window(Duration window) {
        return window("window", window, Integer.MAX_VALUE);
    }

    @Override
    public Stream<List<T>> window(Duration window, int maxSize) {
        Check.positive(COMPONENT, "window maxSize", maxSize, "the most elements in one list");
        return window("window", window, maxSize);
    }

    private Stream<List<T>> window(String op, Duration window, int maxSize) {
        Check.positive(COMPONENT, "window", window, "the length of each period");
        return derive(op, new Window<>(stage, Durations.toNanosSaturated(window), maxSize, shared));
    }

    @Override
    public <R> Stream<R> mapConcurrent(int parallelism, ThrowingFunction<? super T, ? extends R> mapper) {
        Check.positive(COMPONENT, "parallelism", parallelism, "the most mapper calls running at once");
        Check.notNull(COMPONENT, "mapper", mapper);
        return derive("mapConcurrent", new MapConcurrent<>(stage, parallelism, mapper, shared));
    }

    @Override
    public Stream<T> throttle(RateLimiter limiter) {
        Check.notNull(COMPONENT, "limiter", limiter);
        return derive("throttle", new Throttle<>(stage, limiter));
    }

    @Override
    public Stream<T> onClose(Runnable action) {
        Check.notNull(COMPONENT, "action", action);
        claim("onClose");
        shared.addUserHook(action::run);
        return new StreamImpl<>(shared, stage);
    }

    // ---- terminal -----------------------------------------------------------------------------

    /** Runs the chain into {@code sink} on the calling thread, then closes it, whatever happens. */
    private void run(String op, Context ctx, Downstream<? super T> sink) throws InterruptedException {
        run(op, ctx, () -> sink);
    }

    /**
     * Runs the chain into the sink {@code sinkFactory} makes once the run started (so that what
     * it calls, a collector's supplier for example, may fail and the stream is still closed),
     * then closes it, whatever happens.
     */
    private void run(String op, Context ctx, Supplier<? extends Downstream<? super T>> sinkFactory)
            throws InterruptedException {
        Check.notNull(COMPONENT, "ctx", ctx);
        claim(op);
        TerminalRun run = shared.start(op, ctx);
        try {
            run.check();
            stage.forEachWhile(run, sinkFactory.get());
        } catch (Throwable t) {
            shared.finish(run, t);
            if (t instanceof RuntimeException || t instanceof Error || t instanceof InterruptedException) {
                throw t;
            }
            // A checked exception thrown undeclared (Lombok's @SneakyThrows, Kotlin) by what the
            // chain calls as a JDK type - a Supplier or Iterator source, a collector: arrives as a
            // StreamException, as the Stream javadoc says of checked exceptions.
            throw new StreamException("stream '" + shared.name() + "': " + op + " failed: " + t, t);
        }
        shared.finish(run, null);
    }

    /** Runs this stream as an inner stream of flatMap, inside the outer run, then closes it. */
    boolean runInside(TerminalRun run, Downstream<? super T> sink) throws InterruptedException {
        claim("flatMap");
        shared.startInner(run);
        boolean more;
        try {
            more = stage.forEachWhile(run, sink);
        } catch (Throwable t) {
            shared.finishInner(t);
            throw t;
        }
        shared.finishInner(null);
        return more;
    }

    @Override
    public void forEach(Context ctx, ThrowingConsumer<? super T> action) throws InterruptedException {
        Check.notNull(COMPONENT, "action", action);
        run("forEach", ctx, t -> {
            try {
                action.accept(t);
            } catch (Exception e) {
                throw FunctionFailures.rethrow(shared, "the function given to forEach()", e);
            }
            return true;
        });
    }

    @Override
    public List<T> toList(Context ctx) throws InterruptedException {
        List<T> list = new ArrayList<>();
        run("toList", ctx, t -> {
            list.add(t);
            return true;
        });
        return Collections.unmodifiableList(list);
    }

    @Override
    public T reduce(Context ctx, T identity, BinaryOperator<T> accumulator) throws InterruptedException {
        Check.notNull(COMPONENT, "accumulator", accumulator);
        Box<T> box = new Box<>();
        box.value = identity;
        run("reduce", ctx, t -> {
            box.value = accumulator.apply(box.value, t);
            return true;
        });
        return box.value;
    }

    @Override
    public Optional<T> reduce(Context ctx, BinaryOperator<T> accumulator) throws InterruptedException {
        Check.notNull(COMPONENT, "accumulator", accumulator);
        Box<T> box = new Box<>();
        run("reduce", ctx, t -> {
            box.value = box.found ? accumulator.apply(box.value, t) : t;
            box.found = true;
            return true;
        });
        return box.result("reduce", "result");
    }

    @Override
    public <R, A> R collect(Context ctx, Collector<? super T, A, R> collector) throws InterruptedException {
        Check.notNull(COMPONENT, "collector", collector);
        // The container is made inside the run: a supplier that throws still closes the stream.
        Box<A> box = new Box<>();
        run("collect", ctx, () -> {
            A container = collector.supplier().get();
            BiConsumer<A, ? super T> accumulator = collector.accumulator();
            box.value = container;
            return t -> {
                accumulator.accept(container, t);
                return true;
            };
        });
        if (collector.characteristics().contains(Collector.Characteristics.IDENTITY_FINISH)) {
            @SuppressWarnings("unchecked")
            R result = (R) box.value;
            return result;
        }
        try {
            return collector.finisher().apply(box.value);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            // the finisher runs after the stream closed; an undeclared checked exception arrives as
            // in run(): an InterruptedException as is, any other as the cause of a StreamException
            if (t instanceof InterruptedException ie) {
                throw ie;
            }
            throw new StreamException("stream '" + shared.name() + "': collect failed: " + t, t);
        }
    }

    @Override
    public long count(Context ctx) throws InterruptedException {
        Box<T> box = new Box<>();
        run("count", ctx, t -> {
            box.count++;
            return true;
        });
        return box.count;
    }

    @Override
    public boolean anyMatch(Context ctx, ThrowingPredicate<? super T> predicate) throws InterruptedException {
        return firstWhere("anyMatch", ctx, predicate, true);
    }

    @Override
    public boolean allMatch(Context ctx, ThrowingPredicate<? super T> predicate) throws InterruptedException {
        return !firstWhere("allMatch", ctx, predicate, false);
    }

    @Override
    public boolean noneMatch(Context ctx, ThrowingPredicate<? super T> predicate) throws InterruptedException {
        return !firstWhere("noneMatch", ctx, predicate, true);
    }

    /** Whether some element has {@code predicate == wanted}; stops at the first. */
    private boolean firstWhere(String op, Context ctx, ThrowingPredicate<? super T> predicate, boolean wanted)
            throws InterruptedException {
        Check.notNull(COMPONENT, "predicate", predicate);
        Box<T> box = new Box<>();
        String what = "the function given to " + op + "()";
        run(op, ctx, t -> {
            boolean test;
            try {
                test = predicate.test(t);
            } catch (Exception e) {
                throw FunctionFailures.rethrow(shared, what, e);
            }
            if (test == wanted) {
                box.found = true;
                return false;
            }
            return true;
        });
        return box.found;
    }

    @Override
    public Optional<T> findFirst(Context ctx) throws InterruptedException {
        Box<T> box = new Box<>();
        run("findFirst", ctx, t -> {
            box.value = t;
            box.found = true;
            return false;
        });
        return box.result("findFirst", "first element");
    }

    @Override
    public Optional<T> min(Context ctx, Comparator<? super T> comparator) throws InterruptedException {
        return best("min", ctx, comparator, -1);
    }

    @Override
    public Optional<T> max(Context ctx, Comparator<? super T> comparator) throws InterruptedException {
        return best("max", ctx, comparator, 1);
    }

    /** The first element whose comparison with every earlier best has the sign {@code sign}. */
    private Optional<T> best(String op, Context ctx, Comparator<? super T> comparator, int sign)
            throws InterruptedException {
        Check.notNull(COMPONENT, "comparator", comparator);
        Box<T> box = new Box<>();
        run(op, ctx, t -> {
            if (!box.found || Integer.signum(comparator.compare(t, box.value)) == sign) {
                box.value = t;
                box.found = true;
            }
            return true;
        });
        return box.result(op, op + " element");
    }

    // ---- control ------------------------------------------------------------------------------

    @Override
    public void close() {
        shared.close();
    }

    @Override
    public boolean isClosed() {
        return shared.isClosed();
    }

    @Override
    public String toString() {
        return "Stream[" + shared.name() + (isClosed() ? ", closed" : "") + "]";
    }

    /** The mutable result of a terminal operation; confined to the calling thread. */
    private static final class Box<V> {
        V value;
        boolean found;
        long count;

        Optional<V> result(String op, String what) {
            if (!found) {
                return Optional.empty();
            }
            return Optional.of(Objects.requireNonNull(value, () -> op + "(): the " + what
                    + " is null, which an Optional cannot hold"));
        }
    }
}
