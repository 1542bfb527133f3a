package goflow.impl.ratelimit;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;

/**
 * What one rate-limiting primitive shares among its buckets (one, or one per key): its identity,
 * counters, the threads waiting in it, and whether it is closed.
 *
 * <p>Thread-safe: counters are {@link Counter}s and {@link LongAdder}s (no allocation once their
 * cells exist), {@code closed} is volatile, {@code waiters} a concurrent set.
 */
final class LimiterState {
    final String name;
    final Primitive.Kind kind;
    /** How errors name this limiter: {@code token-bucket 'api'}. */
    final String component;
    /** Hot-path counters: {@link Counter} costs no atomic instruction per admission. */
    final Counter allowed = new Counter();
    final Counter denied = new Counter();
    final LongAdder waited = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    /** Threads parked in await; woken by close(). */
    final Set<Thread> waiters = ConcurrentHashMap.newKeySet();
    /** Set once by close(); never cleared. */
    volatile boolean closed;

    LimiterState(String name, Primitive.Kind kind) {
        this.name = name;
        this.kind = kind;
        this.component = kind.label() + " '" + name + "'";
    }

    void ensureOpen(String operation) {
        if (closed) {
            throw new ClosedException(component + " is closed: " + operation + " refused");
        }
    }

    /** Marks closed and wakes every waiter; returns false if it was already closed. */
    boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        waiters.forEach(LockSupport::unpark);
        return true;
    }

    long checkN(long n) {
        if (n < 0) {
            throw new InvalidConfigException(component, "n", n, "must not be negative",
                    "ask for zero or more tokens");
        }
        return n;
    }
}
