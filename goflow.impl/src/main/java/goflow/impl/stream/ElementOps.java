package goflow.impl.stream;

import java.util.Comparator;

import goflow.api.function.ThrowingConsumer;
import goflow.api.function.ThrowingFunction;
import goflow.api.function.ThrowingPredicate;

/**
 * The element-at-a-time operations. Each wraps the downstream sink in one object per run and
 * allocates nothing per element; counters live in that per-run object. A user function is called
 * inside its own {@code try}, so that only its exceptions go through {@link FunctionFailures#rethrow}
 * (free when nothing is thrown), never those of the downstream sink.
 */
final class ElementOps {
    private ElementOps() {
    }

    static final class Filter<T> extends StreamNode<T> {
        private final StreamNode<T> up;
        private final ThrowingPredicate<? super T> predicate;

        Filter(StreamNode<T> up, ThrowingPredicate<? super T> predicate) {
            this.up = up;
            this.predicate = predicate;
        }

        @Override
        Comparator<? super T> sortedBy() {
            return up.sortedBy(); // keeps the order of what it passes on
        }

        @Override
        boolean forEachWhile(TerminalRun run, Downstream<? super T> sink) throws InterruptedException {
            return up.forEachWhile(run, t -> {
                boolean keep;
                try {
                    keep = predicate.test(t);
                } catch (Exception e) {
                    throw FunctionFailures.rethrow(run.shared, "the function given to filter()", e);
                }
                return !keep || sink.accept(t);
            });
        }
    }

    static final class Map<T, R> extends StreamNode<R> {
        private final StreamNode<T> up;
        private final ThrowingFunction<? super T, ? extends R> mapper;

        Map(StreamNode<T> up, ThrowingFunction<? super T, ? extends R> mapper) {
            this.up = up;
            this.mapper = mapper;
        }

        @Override
        long knownSize() {
            return up.knownSize(); // one element out per element in
        }

        @Override
        boolean forEachWhile(TerminalRun run, Downstream<? super R> sink) throws InterruptedException {
            return up.forEachWhile(run, t -> {
                R r;
                try {
                    r = mapper.apply(t);
                } catch (Exception e) {
                    throw FunctionFailures.rethrow(run.shared, "the function given to map()", e);
                }
                return sink.accept(r);
            });
        }
    }

    static final class Peek<T> extends StreamNode<T> {
        private final StreamNode<T> up;
        private final ThrowingConsumer<? super T> action;

        Peek(StreamNode<T> up, ThrowingConsumer<? super T> action) {
            this.up = up;
            this.action = action;
        }

        @Override
        Comparator<? super T> sortedBy() {
            return up.sortedBy(); // keeps the order of what it passes on
        }

        @Override
        long knownSize() {
            return up.knownSize(); // one element out per element in
        }

        @Override
        boolean forEachWhile(TerminalRun run, Downstream<? super T> sink) throws InterruptedException {
            return up.forEachWhile(run, t -> {
                try {
                    action.accept(t);
                } catch (Exception e) {
                    throw FunctionFailures.rethrow(run.shared, "the function given to peek()", e);
                }
                return sink.accept(t);
            });
        }
    }

    static final class Skip<T> extends StreamNode<T> {
        private final StreamNode<T> up;
        private final long n;

        Skip(StreamNode<T> up, long n) {
            this.up = up;
            this.n = n;
        }

        @Override
        Comparator<? super T> sortedBy() {
            return up.sortedBy(); // keeps the order of what it passes on
        }

        @Override
        boolean forEachWhile(TerminalRun run, Downstream<? super T> sink) throws InterruptedException {
            return up.forEachWhile(run, new Downstream<T>() {
                private long left = n;

                @Override
                public boolean accept(T t) throws InterruptedException {
                    if (left > 0) {
                        left--;
                        return true;
                    }
                    return sink.accept(t);
                }
            });
        }
    }

    /**
     * Limit and takeWhile: both end the stage early. Their sink returns false either because the
     * downstream wants no more ({@code stopped}) or because this stage has no more to give; only
     * the first is reported upstream of the caller as "stopped".
     */
    abstract static class Ending<T> implements Downstream<T> {
        final Downstream<? super T> down;
        boolean stopped;

        Ending(Downstream<? super T> down) {
            this.down = down;
        }

        final boolean pass(T t) throws InterruptedException {
            if (!down.accept(t)) {
                stopped = true;
                return false;
            }
            return true;
        }
    }

    static final class Limit<T> extends StreamNode<T> {
        private final StreamNode<T> up;
        private final long n;

        Limit(StreamNode<T> up, long n) {
            this.up = up;
            this.n = n;
        }

        @Override
        Comparator<? super T> sortedBy() {
            return up.sortedBy(); // keeps the order of what it passes on
        }

        @Override
        boolean forEachWhile(TerminalRun run, Downstream<? super T> sink) throws InterruptedException {
            if (n == 0) {
                return true;
            }
            Ending<T> limiter = new Ending<>(sink) {
                private long left = n;

                @Override
                public boolean accept(T t) throws InterruptedException {
                    left--;
                    return pass(t) && left > 0;
                }
            };
            up.forEachWhile(run, limiter);
            return !limiter.stopped;
        }
    }

    static final class TakeWhile<T> extends StreamNode<T> {
        private final StreamNode<T> up;
        private final ThrowingPredicate<? super T> predicate;

        TakeWhile(StreamNode<T> up, ThrowingPredicate<? super T> predicate) {
            this.up = up;
            this.predicate = predicate;
        }

        @Override
        Comparator<? super T> sortedBy() {
            return up.sortedBy(); // keeps the order of what it passes on
        }

        @Override
        boolean forEachWhile(TerminalRun run, Downstream<? super T> sink) throws InterruptedException {
            Ending<T> taker = new Ending<>(sink) {
                @Override
                public boolean accept(T t) throws InterruptedException {
                    boolean taking;
                    try {
                        taking = predicate.test(t);
                    } catch (Exception e) {
                        throw FunctionFailures.rethrow(run.shared, "the function given to takeWhile()", e);
                    }
                    return taking && pass(t);
                }
            };
            up.forEachWhile(run, taker);
            return !taker.stopped;
        }
    }

    static final class DropWhile<T> extends StreamNode<T> {
        private final StreamNode<T> up;
        private final ThrowingPredicate<? super T> predicate;

        DropWhile(StreamNode<T> up, ThrowingPredicate<? super T> predicate) {
            this.up = up;
            this.predicate = predicate;
        }

        @Override
        Comparator<? super T> sortedBy() {
            return up.sortedBy(); // keeps the order of what it passes on
        }

        @Override
        boolean forEachWhile(TerminalRun run, Downstream<? super T> sink) throws InterruptedException {
            return up.forEachWhile(run, new Downstream<T>() {
                private boolean dropping = true;

                @Override
                public boolean accept(T t) throws InterruptedException {
                    if (dropping) {
                        boolean drop;
                        try {
                            drop = predicate.test(t);
                        } catch (Exception e) {
                            throw FunctionFailures.rethrow(run.shared, "the function given to dropWhile()", e);
                        }
                        if (drop) {
                            return true;
                        }
                        dropping = false;
                    }
                    return sink.accept(t);
                }
            });
        }
    }
}
