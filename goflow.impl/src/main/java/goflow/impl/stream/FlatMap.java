package goflow.impl.stream;

import goflow.api.function.ThrowingFunction;
import goflow.api.stream.Stream;

/** {@code flatMap}: runs each inner stream inside the outer run and closes it afterwards. */
final class FlatMap<T, R> extends StreamNode<R> {
    private final StreamNode<T> up;
    private final ThrowingFunction<? super T, ? extends Stream<? extends R>> mapper;

    FlatMap(StreamNode<T> up, ThrowingFunction<? super T, ? extends Stream<? extends R>> mapper) {
        this.up = up;
        this.mapper = mapper;
    }

    @Override
    boolean forEachWhile(TerminalRun run, Downstream<? super R> sink) throws InterruptedException {
        return up.forEachWhile(run, t -> {
            Stream<? extends R> inner;
            try {
                inner = mapper.apply(t);
            } catch (Exception e) {
                throw FunctionFailures.rethrow(run.shared, "the function given to flatMap()", e);
            }
            return inner == null || runInner(run, StreamImpl.unwrap(inner), sink);
        });
    }

    private static <X> boolean runInner(TerminalRun run, StreamImpl<X> inner, Downstream<? super X> sink)
            throws InterruptedException {
        return inner.runInside(run, sink);
    }
}
