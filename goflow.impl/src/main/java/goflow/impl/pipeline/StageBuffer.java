package goflow.impl.pipeline;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import goflow.impl.internal.GrowingRing;

/**
 * The bounded FIFO in front of a stage of a streaming run: {@link #put} waits while it is full
 * (the backpressure), {@link #take} while it is empty; both are interruptible, which is how a run
 * stops its threads. Like an {@link java.util.concurrent.ArrayBlockingQueue} (one lock, two
 * conditions), except that a thread about to wait first yields the processor a few times.
 *
 * <p>Why: with short stages a run's threads spend their time waking each other. A thread that
 * finds the buffer empty (or full) would park, and the next put (or take) would have to unpark it:
 * two system calls and two context switches, more than a short stage's work, once per item. The
 * thread on the other side is usually runnable and waiting for a processor, so yielding lets it
 * run, and the buffer has an item (or room) when this thread is back. On 2 vCPUs, 4 stages of
 * about 0.25 µs with buffers of 16 moved 1.2–1.5× the items per second with 1 worker per stage,
 * 1.4–2.3× with 4 and 1.2–1.6× with 16 ({@code StreamingPipelineBench}; docs/pipeline.md, "Buffer
 * size and throughput"). A yield is one system call, and returns at once when no other thread
 * waits for the processor; after {@link #YIELDS} the thread parks as before.
 *
 * <p>Thread-safe. {@code items} and {@code head} are guarded by {@code lock};
 * {@code size} too, and it is also read without the lock (opaque, for the yield loop only: a stale
 * value costs a yield or an early trip to the lock, and every decision is made again under the
 * lock). Invariants: {@code 0 <= size <= items.length <= capacity}; the items are at {@code head},
 * {@code head + 1}, ... modulo {@code items.length}; a thread waits on {@code notEmpty} only when
 * {@code size == 0} and on {@code notFull} only when {@code size == capacity}. The array is
 * allocated at the capacity up to {@link GrowingRing#PREALLOCATED_MAX}; beyond, it starts there and doubles
 * when full, so that a huge capacity (an unbounded buffer) costs only what it holds; a take that
 * empties a grown array goes back to the first size ({@link GrowingRing#emptied}).
 */
final class StageBuffer {
    /** Yields before a thread that finds the buffer empty (or full) parks. */
    static final int YIELDS = 4;
    private static final VarHandle SIZE;

    static {
        try {
            SIZE = MethodHandles.lookup().findVarHandle(StageBuffer.class, "size", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int capacity;
    /**
     * Guarded by lock. Holds the items; its length grows (doubling) up to {@code capacity}, back to
     * the first when emptied.
     */
    private Object[] items;
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when an item is put (takers wait on it). */
    private final Condition notEmpty = lock.newCondition();
    /** Signalled when an item is taken (putters wait on it). */
    private final Condition notFull = lock.newCondition();
    /** Guarded by lock. The slot of the oldest item. */
    private int head;
    /** Written under lock (opaque); see the class comment. */
    private int size;

    /**
     * @param capacity at least 1 (the streaming builder validates it); any int, Integer.MAX_VALUE
     *     included: beyond {@link GrowingRing#PREALLOCATED_MAX} the array grows as items come
     */
    StageBuffer(int capacity) {
        this.capacity = GrowingRing.limit(capacity);
        this.items = GrowingRing.initial(capacity);
    }

    /** The length of the array, for tests. */
    int slots() {
        lock.lock();
        try {
            return items.length;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds {@code item} at the tail, waiting while the buffer is full.
     *
     * @throws InterruptedException if interrupted before or while waiting; nothing is added then
     */
    void put(Object item) throws InterruptedException {
        for (int i = 0; i < YIELDS && (int) SIZE.getOpaque(this) == capacity; i++) {
            Thread.yield();
        }
        lock.lockInterruptibly();
        try {
            while (size == capacity) {
                notFull.await();
            }
            if (size == items.length) {
                items = GrowingRing.grow(items, head, size, capacity);
                head = 0;
            }
            items[GrowingRing.index(items, head, size)] = item;
            SIZE.setOpaque(this, size + 1);
            notEmpty.signal(); // nothing when no taker waits
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes and returns the oldest item, waiting while the buffer is empty.
     *
     * @throws InterruptedException if interrupted before or while waiting; nothing is removed then
     */
    Object take() throws InterruptedException {
        for (int i = 0; i < YIELDS && (int) SIZE.getOpaque(this) == 0; i++) {
            Thread.yield();
        }
        lock.lockInterruptibly();
        try {
            while (size == 0) {
                notEmpty.await();
            }
            Object item = items[head];
            items[head] = null;
            head = head + 1 == items.length ? 0 : head + 1;
            if (size == 1 && items.length > GrowingRing.PREALLOCATED_MAX) {
                items = GrowingRing.emptied(items); // a burst's array is not kept while the buffer is empty
                head = 0;
            }
            SIZE.setOpaque(this, size - 1);
            notFull.signal(); // nothing when no putter waits
            return item;
        } finally {
            lock.unlock();
        }
    }
}
