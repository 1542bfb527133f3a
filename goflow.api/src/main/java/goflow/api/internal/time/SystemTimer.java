package goflow.api.internal.time;

import java.lang.System.Logger.Level;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import goflow.api.Clock;
import goflow.api.Registration;

/**
 * The timer behind {@link Clock#system()}: one daemon thread, {@code goflow-timer}, that runs due
 * actions in deadline order. The thread is started when the first timer is scheduled and exits once
 * no timer has been pending for {@link #LINGER_NANOS}, so an idle application (or a stopped bundle)
 * keeps no goflow thread alive.
 *
 * <p>Thread-safe. Actions run on the timer thread, outside the lock, with this class's loader as
 * the context class loader and no inherited thread-locals, whoever scheduled the first timer.
 */
public final class SystemTimer {
    /** The timer shared by {@link Clock#system()} and the default {@link Clock#schedule}. */
    public static final SystemTimer INSTANCE = new SystemTimer();

    /** How long the timer thread waits for new work before exiting. */
    static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private static final System.Logger LOG = System.getLogger(SystemTimer.class.getName());

    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled when the earliest deadline changes. */
    private final Condition changed = lock.newCondition();
    /**
     * Pending timers: a binary min-heap by deadline, then by creation, in {@code heap[0..size)}.
     * Each entry knows its index ({@link Entry#index}, -1 once it left the heap), so closing one is
     * O(log n) and closing one that already ran is O(1); a {@code PriorityQueue}'s
     * {@code remove(Object)} is a linear search, which made closing many pending contexts quadratic
     * (100 000 took 1.35 s). Guarded by {@code lock}.
     */
    private Entry[] heap = new Entry[16];
    /** The number of pending timers. Guarded by {@code lock}. */
    private int size;
    /** Whether the timer thread is running. Guarded by {@code lock}. */
    private boolean running;
    /** Tie-breaker keeping FIFO order among equal deadlines. Guarded by {@code lock}. */
    private long sequence;

    private SystemTimer() {
    }

    /**
     * Runs {@code action} once on the timer thread when {@link System#nanoTime()} reaches
     * {@code deadlineNanos}, or as soon as possible when it already has; see
     * {@link Clock#schedule(long, Runnable)}.
     *
     * @param deadlineNanos the point of {@link System#nanoTime()} to run at
     * @param action what to run; short, not blocking; what it throws is logged
     * @return a registration whose {@code close()} cancels the action if it has not run yet
     */
    public Registration schedule(long deadlineNanos, Runnable action) {
        Objects.requireNonNull(action, "action");
        lock.lock();
        try {
            Entry entry = new Entry(deadlineNanos, sequence++, action);
            add(entry);
            if (!running) {
                try {
                    // not the caller's thread-locals and class loader: the thread may outlive the caller's bundle
                    Thread thread = new Thread(null, this::loop, "goflow-timer", 0, false);
                    thread.setContextClassLoader(SystemTimer.class.getClassLoader());
                    thread.setDaemon(true);
                    thread.start();
                } catch (RuntimeException | Error e) {
                    // no thread (the system refuses one): nothing half-done, the next schedule tries again
                    removeAt(entry.index);
                    throw e;
                }
                running = true;
            } else if (entry.index == 0) {
                changed.signal();
            }
            return entry;
        } finally {
            lock.unlock();
        }
    }

    /** Adds {@code e} to the heap. Guarded by {@code lock}. */
    private void add(Entry e) {
        if (size == heap.length) {
            heap = Arrays.copyOf(heap, size * 2);
        }
        heap[size] = e;
        e.index = size;
        size++;
        siftUp(e.index);
    }

    /** Removes the entry at {@code i} from the heap; its index becomes -1. Guarded by {@code lock}. */
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
            heap = Arrays.copyOf(heap, heap.length / 2); // a flood of timers does not hold its array for ever
        }
    }

    /** Moves the entry at {@code i} up to its place. Guarded by {@code lock}. */
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

    /** Moves the entry at {@code i} down to its place. Guarded by {@code lock}. */
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

    /** Returns the number of pending timers; for tests. */
    int pending() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** Returns whether the timer thread is alive; for tests that check for leaked threads. */
    boolean isRunning() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        while (true) {
            Entry due;
            lock.lock();
            try {
                due = null;
                long idleSince = System.nanoTime();
                while (due == null) {
                    Entry head = size == 0 ? null : heap[0];
                    long now = System.nanoTime();
                    if (head == null) {
                        long left = LINGER_NANOS - (now - idleSince);
                        if (left <= 0) {
                            running = false;
                            return;
                        }
                        changed.awaitNanos(left);
                    } else if (head.deadline - now <= 0) {
                        due = head;
                        removeAt(0);
                    } else {
                        changed.awaitNanos(head.deadline - now);
                        idleSince = System.nanoTime();
                    }
                }
            } catch (InterruptedException e) {
                // Nobody interrupts this private thread; keep serving the queue.
                continue;
            } finally {
                lock.unlock();
            }
            try {
                due.action.run();
            } catch (Throwable e) {
                // not only RuntimeException | Error: Kotlin or @SneakyThrows code throws checked exceptions
                LOG.log(Level.WARNING, "goflow timer action failed", e);
            }
        }
    }

    private void remove(Entry entry) {
        lock.lock();
        try {
            int i = entry.index;
            if (i < 0) {
                return; // ran, or closed before
            }
            removeAt(i);
            if (i == 0) {
                // the thread may be waiting for this deadline: let it re-read the queue (and exit when idle)
                changed.signal();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A pending action; closing it removes it from the queue. */
    private final class Entry implements Registration, Comparable<Entry> {
        final long deadline;
        final long seq;
        final Runnable action;
        /** Where this entry is in the heap; -1 once it left it (ran or closed). Guarded by {@code lock}. */
        int index = -1;

        Entry(long deadline, long seq, Runnable action) {
            this.deadline = deadline;
            this.seq = seq;
            this.action = action;
        }

        @Override
        public void close() {
            remove(this);
        }

        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(deadline - o.deadline, 0);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
