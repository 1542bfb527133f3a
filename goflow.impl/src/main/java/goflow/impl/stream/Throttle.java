package goflow.impl.stream;

import goflow.api.context.ContextException;
import goflow.api.ratelimit.RateLimiter;

/** {@code throttle(limiter)}: each element waits for one token before it is passed on. */
final class Throttle<T> extends StreamNode<T> {
    private final StreamNode<T> up;
    private final RateLimiter limiter;

    Throttle(StreamNode<T> up, RateLimiter limiter) {
        this.up = up;
        this.limiter = limiter;
    }

    @Override
    boolean forEachWhile(TerminalRun run, Downstream<? super T> sink) throws InterruptedException {
        return up.forEachWhile(run, t -> {
            try {
                limiter.await(run.scope);
            } catch (ContextException e) {
                throw run.failFrom(e);
            }
            return sink.accept(t);
        });
    }
}
