package goflow.impl.channel;

import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import goflow.api.ClosedException;
import goflow.api.channel.BackpressureChannel;
import goflow.api.channel.ChannelFullException;
import goflow.api.channel.ChannelStats;
import goflow.api.channel.OverflowStrategy;
import goflow.api.context.Context;
import goflow.impl.internal.ContextWait;
import goflow.impl.internal.GrowingRing;
import goflow.impl.internal.PrimitiveRegistry;

/**
 * A bounded ring buffer guarded by one {@link ReentrantLock} with two conditions.
 *
 * <p>Thread-safe: every field below marked "guarded by lock" is read and written only while
 * holding {@code lock}, including the statistics, so a {@link #stats()} snapshot is consistent
 * ({@code sent == received + dropped + size}) and there is only one lock to order (the reference's
 * stats-lock/buffer-lock inversion, B-CH1, cannot happen).
 */
final class ChannelImpl<T> implements BackpressureChannel<T> {
    /*
     * Implementation notes.
     *
     * Waiting: a blocked send or receive waits on its condition through a ContextWait, which wakes
     * it when its context ends and never runs a context callback while this channel's lock is held
     * (see ContextWait for the protocol).
     *
     * Signals: one signal per enqueue/dequeue. A waiter that leaves without taking what it was
     * signalled for (cancelled, interrupted) passes the signal on when there is still room (send)
     * or a value (receive).
     *
     * Callbacks: dropped values are collected under the lock and handed to onDrop after unlock.
     */
    private static final System.Logger LOG = System.getLogger(ChannelImpl.class.getName());

    private final String name;
    private final OverflowStrategy strategy;
    private final Consumer<? super T> onDrop;
    private final PrimitiveRegistry.Entry entry;

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a value is enqueued or the channel is closed. */
    private final Condition notEmpty = lock.newCondition();
    /** Signalled when a value is dequeued or the channel is closed. */
    private final Condition notFull = lock.newCondition();

    /** The configured capacity, as reported. */
    private final int capacity;
    /** The most values held: the capacity, or the largest array for a capacity beyond it. */
    private final int limit;
    /**
     * The ring; slots outside [head, head + count) are null. Guarded by lock. It grows up to the
     * limit as {@link GrowingRing} describes, so that a huge capacity (an unbounded channel) costs
     * only what it holds, and goes back to its first size when a receive empties it.
     */
    private Object[] items;
    /** Index of the oldest value. Guarded by lock. */
    private int head;
    /** Number of buffered values. Guarded by lock. */
    private int count;
    /** Set once by close(); never cleared. Guarded by lock for writes; volatile for isClosed(). */
    private volatile boolean closed;

    /** Statistics, see {@link ChannelStats}. All guarded by lock. */
    private long sent;
    private long received;
    private long dropped;
    private long rejected;
    private long blockedSends;

    ChannelImpl(String name, int capacity, OverflowStrategy strategy, Consumer<? super T> onDrop,
            PrimitiveRegistry.Entry entry) {
        this.name = name;
        this.capacity = capacity;
        this.limit = GrowingRing.limit(capacity);
        this.items = GrowingRing.initial(capacity);
        this.strategy = strategy;
        this.onDrop = onDrop;
        this.entry = entry;
    }

    @Override
    public boolean send(Context ctx, T value) throws InterruptedException {
        Objects.requireNonNull(ctx, "ctx");
        Objects.requireNonNull(value, "value");
        ctx.throwIfDone();
        ContextWait wait = null;
        T evicted = null;
        lock.lockInterruptibly();
        try {
            while (true) {
                checkOpenForSend();
                if (count < limit) {
                    enqueue(value);
                    return true;
                }
                switch (strategy) {
                    case DROP_NEWEST:
                        sent++;
                        dropped++;
                        evicted = value;
                        return false;
                    case DROP_OLDEST:
                        evicted = dequeue();
                        dropped++;
                        enqueue(value);
                        return true;
                    case ERROR:
                        rejected++;
                        throw new ChannelFullException("channel '" + name + "' is full (capacity "
                                + capacity + "): the value was not sent");
                    case BLOCK:
                    default:
                        break;
                }
                if (wait == null) {
                    blockedSends++;
                    wait = new ContextWait(ctx, lock, notFull);
                }
                wait.await(this::hasRoom);
            }
        } finally {
            lock.unlock();
            ContextWait.close(wait);
            if (evicted != null) {
                fireDrop(evicted);
            }
        }
    }

    @Override
    public boolean trySend(T value) {
        Objects.requireNonNull(value, "value");
        T evicted = null;
        lock.lock();
        try {
            checkOpenForSend();
            if (count < limit) {
                enqueue(value);
                return true;
            }
            switch (strategy) {
                case DROP_NEWEST:
                    sent++;
                    dropped++;
                    evicted = value;
                    return false;
                case DROP_OLDEST:
                    evicted = dequeue();
                    dropped++;
                    enqueue(value);
                    return true;
                default:
                    rejected++;
                    return false;
            }
        } finally {
            lock.unlock();
            if (evicted != null) {
                fireDrop(evicted);
            }
        }
    }

    @Override
    public T receive(Context ctx) throws InterruptedException {
        Objects.requireNonNull(ctx, "ctx");
        ctx.throwIfDone();
        ContextWait wait = null;
        lock.lockInterruptibly();
        try {
            while (true) {
                if (count > 0) {
                    T v = dequeue();
                    received++;
                    return v;
                }
                if (closed) {
                    throw drainedException();
                }
                if (wait == null) {
                    wait = new ContextWait(ctx, lock, notEmpty);
                }
                wait.await(this::hasValues);
            }
        } finally {
            lock.unlock();
            ContextWait.close(wait);
        }
    }

    @Override
    public Optional<T> tryReceive() {
        lock.lock();
        try {
            if (count > 0) {
                T v = dequeue();
                received++;
                return Optional.of(v);
            }
            if (closed) {
                throw drainedException();
            }
            return Optional.empty();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        entry.release();
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isDrained() {
        lock.lock();
        try {
            return closed && count == 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int size() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public OverflowStrategy strategy() {
        return strategy;
    }

    @Override
    public ChannelStats stats() {
        lock.lock();
        try {
            return new ChannelStats(sent, received, dropped, rejected, blockedSends, count, capacity, closed);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Kind kind() {
        return Kind.CHANNEL;
    }

    @Override
    public String toString() {
        return "BackpressureChannel[" + name + ", " + strategy + ", capacity=" + capacity + "]";
    }

    /** Requires lock and room. */
    private void enqueue(T value) {
        if (count == items.length) {
            items = GrowingRing.grow(items, head, count, limit);
            head = 0;
        }
        items[GrowingRing.index(items, head, count)] = value;
        count++;
        sent++;
        notEmpty.signal();
    }

    /** Requires lock and count &gt; 0. */
    @SuppressWarnings("unchecked")
    private T dequeue() {
        T v = (T) items[head];
        items[head] = null;
        head = head + 1 == items.length ? 0 : head + 1;
        if (--count == 0 && items.length > GrowingRing.PREALLOCATED_MAX) {
            items = GrowingRing.emptied(items); // a burst's array is not kept while the channel is empty
            head = 0;
        }
        notFull.signal();
        return v;
    }

    /** The length of the ring's array, for tests. */
    int slots() {
        lock.lock();
        try {
            return items.length;
        } finally {
            lock.unlock();
        }
    }

    /** Requires lock. */
    private void checkOpenForSend() {
        if (closed) {
            throw new ClosedException("channel '" + name + "' is closed: cannot send");
        }
    }

    private ClosedException drainedException() {
        return new ClosedException("channel '" + name + "' is closed and drained: nothing left to receive");
    }

    /** Requires lock: whether a blocked send could enqueue now (a signal on notFull is worth passing on). */
    private boolean hasRoom() {
        return count < limit;
    }

    /** Requires lock: whether a blocked receive could take a value now. */
    private boolean hasValues() {
        return count > 0;
    }

    private void fireDrop(T value) {
        if (onDrop == null) {
            return;
        }
        try {
            onDrop.accept(value);
        } catch (Throwable e) {
            // An Error too, and a checked exception thrown undeclared (Kotlin, Scala, Lombok's
            // @SneakyThrows): the send already took effect (under DROP_OLDEST the value is
            // enqueued), so letting it escape would report a sent value as not sent.
            LOG.log(Level.WARNING, "drop callback of channel '" + name + "' failed", e);
        }
    }
}
