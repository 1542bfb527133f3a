package goflow.impl.stream;

import java.util.function.Function;

import goflow.api.stream.Stream;

/** {@code flatMap}: runs each inner stream inside the outer run and closes it afterwards. */
final class FlatMap<T, R> extends Stage<R> {
    private final Stage<T> up;
    private final Function<? super T, ? extends Stream<? extends R>> mapper;

    FlatMap(Stage<T> up, Function<? super T, ? extends Stream<? extends R>> mapper) {
        this.up = up;
        this.mapper = mapper;
    }

    @Override
    boolean forEachWhile(Run run, Sink<? super R> sink) throws InterruptedException {
        return up.forEachWhile(run, t -> {
            Stream<? extends R> inner = mapper.apply(t);
            return inner == null || runInner(run, StreamImpl.unwrap(inner), sink);
        });
    }

    private static <X> boolean runInner(Run run, StreamImpl<X> inner, Sink<? super X> sink)
            throws InterruptedException {
        return inner.runInside(run, sink);
    }
}
