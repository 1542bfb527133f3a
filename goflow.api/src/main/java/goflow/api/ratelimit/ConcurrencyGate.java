package goflow.api.ratelimit;

import java.net.SocketTimeoutException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.ClosedException;
import goflow.api.context.Context;
import goflow.api.context.ContextException;
import goflow.api.function.ThrowingFunction;
import goflow.api.pool.RejectedException;

/**
 * What limits how many calls run at once, handing out {@link Permit}s: a fixed
 * {@link ConcurrencyLimiter} or an {@link AdaptiveLimiter}. The gate of a worker pool's tasks or a
 * pipeline stage is a {@link #call} in the task or the stage:
 *
 * <pre>{@code
 * pool.submit(ctx, c -> gate.call(c, cc -> backend.fetch(cc, id)));
 * goflow.pipeline("orders").stageWithContext("enrich", (c, order) -> gate.call(c, cc -> enrich(cc, order)));
 * }</pre>
 *
 * <p>Thread-safe.
 */
@ProviderType
public interface ConcurrencyGate {

    /**
     * Takes a permit if one is free now.
     *
     * @return the permit, or empty when the gate is full
     * @throws ClosedException if the gate is closed
     */
    Optional<Permit> tryAcquirePermit();

    /**
     * Takes a permit, waiting for one while the gate is full.
     *
     * @param ctx bounds the wait (its cancel or deadline ends it)
     * @return the permit
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws goflow.api.context.CancelledException if {@code ctx} is cancelled first
     * @throws goflow.api.context.DeadlineExceededException if {@code ctx}'s deadline passes first
     * @throws ClosedException if the gate is closed
     */
    Permit acquirePermit(Context ctx) throws InterruptedException;

    /**
     * Runs {@code work} holding a permit and records its outcome: success when it returns; dropped
     * when it throws a sign of overload (a {@link ContextException} such as a deadline, a
     * {@link TimeoutException}, a {@link SocketTimeoutException} or a {@link RejectedException});
     * ignored for any other throwable, which is thrown on unchanged. For another classification,
     * take the {@link Permit} yourself.
     *
     * @param ctx bounds the wait for a permit, and is given to {@code work}
     * @param work the call
     * @param <T> what the call returns
     * @return what {@code work} returned
     * @throws Exception what {@code work} threw, or the errors of {@link #acquirePermit}
     */
    default <T> T call(Context ctx, ThrowingFunction<? super Context, ? extends T> work) throws Exception {
        Permit permit = acquirePermit(ctx);
        try {
            T result = work.apply(ctx);
            permit.success();
            return result;
        } catch (ContextException | TimeoutException | SocketTimeoutException | RejectedException e) {
            permit.dropped();
            throw e;
        } finally {
            permit.close(); // ignore() unless an outcome was recorded
        }
    }
}
