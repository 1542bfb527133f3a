package goflow.impl.internal;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

import goflow.api.Registration;
import goflow.api.context.Context;

/**
 * One blocking operation's wait on a {@link Condition} of a {@link ReentrantLock}, until it is
 * signalled, its {@link Context} ends, or its thread is interrupted: the context-aware form of the
 * {@code while (!ready) condition.await();} loop of {@code ArrayBlockingQueue.put}. Every goflow
 * operation that blocks under a lock waits through it (channel send and receive, async writer
 * write and flush, worker pool submit).
 *
 * <pre>{@code
 * ContextWait wait = null;
 * lock.lockInterruptibly();
 * try {
 *     while (count == items.length) {
 *         if (wait == null) {
 *             wait = new ContextWait(ctx, lock, notFull);
 *         }
 *         wait.await(() -> count < items.length);
 *     }
 *     enqueue(value);
 * } finally {
 *     lock.unlock();
 *     ContextWait.close(wait);
 * }
 * }</pre>
 *
 * <p>Protocol. {@link #await} is called with the lock held and returns with it held; like
 * {@link Condition#await()} it may release the lock in between, so the caller re-checks its state
 * after every return (a return is not a promise that the state is ready). The first call watches
 * the context: it releases the lock, registers a callback with {@link Context#onDone} (which runs
 * at once if the context has already ended), takes the lock again and returns. The callback sets
 * a flag and signals the condition under the lock, so the end of the context cannot be missed
 * between the flag's check and the {@code await}. A waiter that leaves without taking what it was
 * signalled for (its context ended, or it was interrupted) passes one signal on when
 * {@code stillReady} holds, so no wake-up is lost for the other waiters. Calls into the context
 * (registering, throwing its error) are made with the lock released: no context callback ever runs
 * while the operation holds its lock. {@link #close} removes the callback: call it after releasing
 * the lock, when the operation is over.
 *
 * <p>Thread safety: an instance belongs to one operation on one thread; {@code fired} is written by
 * the context's callback and read by the waiter, both under the lock.
 */
public final class ContextWait implements Runnable {
    private final Context ctx;
    private final ReentrantLock lock;
    private final Condition condition;
    /** The callback in the context; set by the first {@link #await}, outside the lock. */
    private Registration watch;
    /** Set once, under the lock, when the context ends. */
    private boolean fired;

    /**
     * Creates the wait of one operation.
     *
     * @param ctx the operation's context
     * @param lock the lock that guards the state and {@code condition}
     * @param condition what the operation waits on
     */
    public ContextWait(Context ctx, ReentrantLock lock, Condition condition) {
        this.ctx = ctx;
        this.lock = lock;
        this.condition = condition;
    }

    /**
     * Waits for a signal. Call it with the lock held (it is held again on return or throw), in a
     * loop that re-checks the state.
     *
     * @param stillReady evaluated under the lock when the wait ends without the caller taking what
     *     a signal announced: whether the signalled state is still there, so the signal is passed on
     * @throws InterruptedException if the thread is interrupted while waiting (its flag is cleared,
     *     as {@link Condition#await()} does)
     * @throws goflow.api.context.ContextException the context's error once it has ended
     */
    public void await(BooleanSupplier stillReady) throws InterruptedException {
        if (watch == null) {
            lock.unlock();
            try {
                watch = ctx.onDone(this); // runs this at once when ctx is already done
            } finally {
                lock.lock();
            }
            return; // the lock was released: the caller re-checks its state
        }
        if (fired) {
            leave(stillReady);
        }
        try {
            condition.await();
        } catch (InterruptedException e) {
            passOn(stillReady);
            throw e;
        }
    }

    /** The context ended: passes the signal on and throws the context's error, outside the lock. */
    private void leave(BooleanSupplier stillReady) {
        passOn(stillReady);
        lock.unlock();
        try {
            ctx.throwIfDone();
        } finally {
            lock.lock();
        }
        throw new IllegalStateException("the context signalled its end but is not done: " + ctx);
    }

    private void passOn(BooleanSupplier stillReady) {
        if (stillReady.getAsBoolean()) {
            condition.signal();
        }
    }

    /** The context's callback: sets the flag and wakes every waiter of the condition. */
    @Override
    public void run() {
        lock.lock();
        try {
            fired = true;
            condition.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the wait's callback from its context, if it registered one. Call it without holding
     * the lock, when the operation is over.
     *
     * @param wait the operation's wait, or {@code null} if it never waited
     */
    public static void close(ContextWait wait) {
        if (wait != null && wait.watch != null) {
            wait.watch.close();
        }
    }
}
