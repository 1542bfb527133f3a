package goflow.api.internal.time;

import java.util.Arrays;

/**
 * Pending timers in deadline order, then in the order they were added: a binary min-heap whose
 * entries know their index, so that removing any of them is O(log n) and removing one that already
 * left is O(1). ({@code PriorityQueue.remove(Object)} is a linear search: closing many pending
 * contexts was quadratic, 100 000 took 1.1-1.2 s.) Deadlines are points of a monotonic clock
 * compared by the sign of their difference, so they may wrap around as {@code System.nanoTime()} may.
 * The array shrinks again after a flood of timers.
 *
 * <p>Not thread-safe: its owner ({@link SystemTimer}, {@link goflow.api.testing.ManualClock})
 * guards it, and the entries' {@link Entry#index}, with its lock.
 *
 * @param <E> the owner's entry type
 */
public final class TimerQueue<E extends TimerQueue.Entry> {
    private Entry[] heap = new Entry[16];
    private int size;
    /** Tie-breaker keeping FIFO order among equal deadlines. */
    private long sequence;

    /** Creates an empty queue. */
    public TimerQueue() {
        // entries are added by the owner, under its lock
    }

    /**
     * A pending timer. The owner's subclass adds what closing it means (taking the owner's lock).
     */
    public abstract static class Entry {
        /** The point of monotonic time to run at. */
        public final long deadline;
        /** What to run. */
        public final Runnable action;
        private long seq;
        /** Where it is in the heap; -1 once it left it (ran or was removed). */
        private int index = -1;

        /**
         * Creates a timer, not yet queued.
         *
         * @param deadline the point of monotonic time to run at
         * @param action what to run
         */
        protected Entry(long deadline, Runnable action) {
            this.deadline = deadline;
            this.action = action;
        }

        private int compareTo(Entry o) {
            int c = Long.compare(deadline - o.deadline, 0);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /**
     * Queues {@code e}.
     *
     * @param e a new entry, not queued before
     * @return whether it is now the earliest (the owner's thread may have to wake up for it)
     */
    public boolean add(E e) {
        Entry x = e;
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        x.seq = sequence++;
        heap[size] = x;
        x.index = size;
        size++;
        siftUp(x.index);
        return x.index == 0;
    }

    /**
     * Returns the earliest entry, still queued.
     *
     * @return it, or null when none is pending
     */
    @SuppressWarnings("unchecked")
    public E peek() {
        return size == 0 ? null : (E) heap[0];
    }

    /**
     * Removes the earliest entry.
     *
     * @return it, or null when none is pending
     */
    public E poll() {
        E head = peek();
        if (head != null) {
            removeAt(0);
        }
        return head;
    }

    /**
     * Removes {@code e} if it is queued.
     *
     * @param e an entry of this queue
     * @return whether it was the earliest (the owner's thread may be waiting for it)
     */
    public boolean remove(E e) {
        int i = ((Entry) e).index;
        if (i < 0) {
            return false; // ran, or removed before
        }
        removeAt(i);
        return i == 0;
    }

    /**
     * Returns the number of pending entries.
     *
     * @return the count
     */
    public int size() {
        return size;
    }

    private void removeAt(int i) {
        Entry gone = heap[i];
        gone.index = -1;
        int last = --size;
        Entry moved = heap[last];
        heap[last] = null;
        if (i != last) {
            heap[i] = moved;
            moved.index = i;
            siftDown(i);
            if (heap[i] == moved) {
                siftUp(i);
            }
        }
        if (heap.length > 64 && size < heap.length / 4) {
            heap = Arrays.copyOf(heap, heap.length / 2);
        }
    }

    private void siftUp(int i) {
        Entry e = heap[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Entry p = heap[parent];
            if (e.compareTo(p) >= 0) {
                break;
            }
            heap[i] = p;
            p.index = i;
            i = parent;
        }
        heap[i] = e;
        e.index = i;
    }

    private void siftDown(int i) {
        Entry e = heap[i];
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            Entry c = heap[child];
            int right = child + 1;
            if (right < size && heap[right].compareTo(c) < 0) {
                child = right;
                c = heap[child];
            }
            if (e.compareTo(c) <= 0) {
                break;
            }
            heap[i] = c;
            c.index = i;
            i = child;
        }
        heap[i] = e;
        e.index = i;
    }
}
