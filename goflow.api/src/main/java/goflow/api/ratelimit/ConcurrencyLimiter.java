package goflow.api.ratelimit;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.ClosedException;
import goflow.api.GoFlowException;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;

/**
 * Limits how many operations run at once: a counting semaphore of {@link #capacity()} permits whose
 * capacity can change while it is in use.
 *
 * <pre>{@code
 * limiter.acquire(ctx, 1);
 * try { callBackend(); } finally { limiter.release(1); }
 * }</pre>
 *
 * <p>Rules:
 * <ul>
 * <li>{@code inUse + available == capacity} at all times; {@code available} is negative after the
 * capacity was lowered below the permits in use. No new permit is granted until enough come back
 * (a shrink is honoured, never forgotten).</li>
 * <li>Raising the capacity wakes the waiters it can satisfy.</li>
 * <li>A <em>fair</em> limiter grants permits in arrival order: a waiter for many permits is never
 * overtaken by later, smaller requests (and {@link #tryAcquire(int)} fails while anyone waits). A
 * non-fair limiter lets {@code tryAcquire} barge and grants any waiter that fits, which is faster
 * but can starve large requests.</li>
 * <li>A waiter whose context ends (or whose thread is interrupted) exactly as it is granted either
 * returns normally holding the permits, or throws holding none: permits are never lost nor
 * counted twice.</li>
 * <li>Releasing more permits than are in use throws and changes nothing.</li>
 * </ul>
 *
 * <p>Thread-safe. A {@code release} happens-before the {@code acquire} it enables returns.
 */
@ProviderType
public interface ConcurrencyLimiter extends ConcurrencyGate, Primitive {

    /**
     * Takes one permit if one is available now. Same as {@code tryAcquire(1)}.
     *
     * @return {@code true} if the permit was taken
     * @throws ClosedException if the limiter is closed
     */
    boolean tryAcquire();

    /**
     * Takes {@code n} permits if they are available now (and, for a fair limiter, nobody is
     * waiting); otherwise takes nothing. {@code n == 0} gives {@code true}.
     *
     * @param n the number of permits, zero or positive
     * @return {@code true} if the permits were taken
     * @throws InvalidConfigException if {@code n} is negative
     * @throws ClosedException if the limiter is closed
     */
    boolean tryAcquire(int n);

    /**
     * Waits for one permit. Same as {@code acquire(ctx, 1)}.
     *
     * @param ctx bounds the wait
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws CancelledException if {@code ctx} is cancelled first
     * @throws DeadlineExceededException if the deadline of {@code ctx} passes first
     * @throws ClosedException if the limiter is or gets closed
     */
    void acquire(Context ctx) throws InterruptedException;

    /**
     * Waits until {@code n} permits can be taken, and takes them. A request larger than the capacity
     * waits until the capacity is raised (or the context ends). Nothing is held when it throws.
     *
     * @param ctx bounds the wait
     * @param n the number of permits, zero or positive
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws CancelledException if {@code ctx} is cancelled first
     * @throws DeadlineExceededException if the deadline of {@code ctx} passes first
     * @throws InvalidConfigException if {@code ctx} is null or {@code n} is negative
     * @throws ClosedException if the limiter is or gets closed
     */
    void acquire(Context ctx, int n) throws InterruptedException;

    /**
     * Returns one permit. Same as {@code release(1)}.
     *
     * @throws GoFlowException if no permit is in use
     */
    void release();

    /**
     * Returns {@code n} permits and wakes the waiters they satisfy. Allowed after {@link #close()},
     * so that {@code finally} blocks still work.
     *
     * @param n the number of permits, zero or positive
     * @throws InvalidConfigException if {@code n} is negative
     * @throws GoFlowException if more permits are released than are in use; nothing changes then
     */
    void release(int n);

    /**
     * Returns the capacity.
     *
     * @return the capacity, at least 1
     */
    int capacity();

    /**
     * Changes the capacity now. Raising it wakes the waiters that now fit; lowering it below the
     * permits in use makes {@link #available()} negative until enough permits are released.
     *
     * @param capacity the new capacity, at least 1
     * @throws InvalidConfigException if {@code capacity} is zero or negative
     * @throws ClosedException if the limiter is closed
     */
    void setCapacity(int capacity);

    /**
     * Returns the permits that can be taken now: {@code capacity - inUse}, negative after a shrink.
     *
     * @return the available permits
     */
    int available();

    /**
     * Returns the permits held.
     *
     * @return the permits in use
     */
    int inUse();

    /**
     * Returns the number of threads waiting in {@link #acquire(Context, int)}.
     *
     * @return the waiters
     */
    int waiting();

    /**
     * Returns whether permits are granted in arrival order.
     *
     * @return {@code true} for a fair limiter
     */
    boolean isFair();

    /**
     * Returns a snapshot of the counters and the current state.
     *
     * @return the statistics
     */
    @Override
    ConcurrencyLimiterStats stats();
}
