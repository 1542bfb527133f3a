package goflow.impl.internal;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

import goflow.api.Registration;
import goflow.api.context.Context;

/**
 * Wakes the threads waiting on one {@link Condition} when a {@link Context} ends, for blocking
 * operations built on a lock and conditions (channels, the async writer).
 *
 * <p>Protocol: a waiter {@linkplain #register registers} the waker <em>outside</em> the lock
 * (when the context is already done, the callback runs at once and takes the lock), then, under
 * the lock, checks {@link #fired()} before each {@code condition.await()}; the callback sets the
 * flag and signals under the same lock, so the wake-up cannot be lost between the check and the
 * await. The waiter {@linkplain #close() closes} the waker when it leaves, so a long-lived context
 * does not collect callbacks.
 *
 * <p>Thread-safe: {@code fired} is written under the lock by the context's callback and read
 * under the lock by the waiter.
 */
public final class ContextWaker implements Runnable, AutoCloseable {
    private final Lock lock;
    private final Condition condition;
    /** Set once, under {@code lock}, when the context ends. */
    private volatile boolean fired;
    /** The callback in the context; written once by {@link #register}, before the waker is shared. */
    private Registration registration = Registration.NONE;

    private ContextWaker(Lock lock, Condition condition) {
        this.lock = lock;
        this.condition = condition;
    }

    /**
     * Creates a waker and registers it with {@code ctx}. Call without holding {@code lock}.
     *
     * @param ctx the context whose end wakes the waiters
     * @param lock the lock that guards {@code condition}
     * @param condition the condition the caller waits on
     * @return the registered waker; close it when the wait is over
     */
    public static ContextWaker register(Context ctx, Lock lock, Condition condition) {
        ContextWaker waker = new ContextWaker(lock, condition);
        waker.registration = ctx.onDone(waker);
        return waker;
    }

    /**
     * Returns whether the context has ended; read it under the lock before awaiting.
     *
     * @return true once the context is done
     */
    public boolean fired() {
        return fired;
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

    /** Removes the callback from the context. Idempotent. */
    @Override
    public void close() {
        registration.close();
    }
}
