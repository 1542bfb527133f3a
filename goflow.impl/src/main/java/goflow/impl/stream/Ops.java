package goflow.impl.stream;

import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The element-at-a-time operations. Each wraps the downstream sink in one object per run and
 * allocates nothing per element; counters live in that per-run object.
 */
final class Ops {
    private Ops() {
    }

    static final class Filter<T> extends Stage<T> {
        private final Stage<T> up;
        private final Predicate<? super T> predicate;

        Filter(Stage<T> up, Predicate<? super T> predicate) {
            this.up = up;
            this.predicate = predicate;
        }

        @Override
        boolean forEachWhile(Run run, Sink<? super T> sink) throws InterruptedException {
            return up.forEachWhile(run, t -> !predicate.test(t) || sink.accept(t));
        }
    }

    static final class Map<T, R> extends Stage<R> {
        private final Stage<T> up;
        private final Function<? super T, ? extends R> mapper;

        Map(Stage<T> up, Function<? super T, ? extends R> mapper) {
            this.up = up;
            this.mapper = mapper;
        }

        @Override
        boolean forEachWhile(Run run, Sink<? super R> sink) throws InterruptedException {
            return up.forEachWhile(run, t -> sink.accept(mapper.apply(t)));
        }
    }

    static final class Peek<T> extends Stage<T> {
        private final Stage<T> up;
        private final Consumer<? super T> action;

        Peek(Stage<T> up, Consumer<? super T> action) {
            this.up = up;
            this.action = action;
        }

        @Override
        boolean forEachWhile(Run run, Sink<? super T> sink) throws InterruptedException {
            return up.forEachWhile(run, t -> {
                action.accept(t);
                return sink.accept(t);
            });
        }
    }

    static final class Skip<T> extends Stage<T> {
        private final Stage<T> up;
        private final long n;

        Skip(Stage<T> up, long n) {
            this.up = up;
            this.n = n;
        }

        @Override
        boolean forEachWhile(Run run, Sink<? super T> sink) throws InterruptedException {
            return up.forEachWhile(run, new Sink<T>() {
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
    abstract static class Ending<T> implements Sink<T> {
        final Sink<? super T> down;
        boolean stopped;

        Ending(Sink<? super T> down) {
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

    static final class Limit<T> extends Stage<T> {
        private final Stage<T> up;
        private final long n;

        Limit(Stage<T> up, long n) {
            this.up = up;
            this.n = n;
        }

        @Override
        boolean forEachWhile(Run run, Sink<? super T> sink) throws InterruptedException {
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

    static final class TakeWhile<T> extends Stage<T> {
        private final Stage<T> up;
        private final Predicate<? super T> predicate;

        TakeWhile(Stage<T> up, Predicate<? super T> predicate) {
            this.up = up;
            this.predicate = predicate;
        }

        @Override
        boolean forEachWhile(Run run, Sink<? super T> sink) throws InterruptedException {
            Ending<T> taker = new Ending<>(sink) {
                @Override
                public boolean accept(T t) throws InterruptedException {
                    return predicate.test(t) && pass(t);
                }
            };
            up.forEachWhile(run, taker);
            return !taker.stopped;
        }
    }

    static final class DropWhile<T> extends Stage<T> {
        private final Stage<T> up;
        private final Predicate<? super T> predicate;

        DropWhile(Stage<T> up, Predicate<? super T> predicate) {
            this.up = up;
            this.predicate = predicate;
        }

        @Override
        boolean forEachWhile(Run run, Sink<? super T> sink) throws InterruptedException {
            return up.forEachWhile(run, new Sink<T>() {
                private boolean dropping = true;

                @Override
                public boolean accept(T t) throws InterruptedException {
                    if (dropping) {
                        if (predicate.test(t)) {
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
