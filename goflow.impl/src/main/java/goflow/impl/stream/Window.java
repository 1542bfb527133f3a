package goflow.impl.stream;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import goflow.api.Clock;

/**
 * {@code window(period, maxSize)}: time-based batches on the stream's clock.
 *
 * <p>Per run: a producer thread runs the upstream in a sub-run and appends each element to
 * {@code current}; the calling thread waits on the clock until the period ends (or the list is
 * full, or the producer is finished), then takes the list and passes it on. The producer waits
 * while the list is full. Both sides synchronize on the {@link Buffer}, which is also the
 * happens-before edge for the elements. When the run ends, the calling thread cancels the
 * sub-run, interrupts the producer and joins it before {@code forEachWhile} returns, so the
 * chain's close hooks never run while the producer still reads the source.
 */
final class Window<T> extends StreamNode<List<T>> {
    private final StreamNode<T> up;
    private final long periodNanos;
    private final int maxSize;
    private final ChainState shared;

    Window(StreamNode<T> up, long periodNanos, int maxSize, ChainState shared) {
        this.up = up;
        this.periodNanos = periodNanos;
        this.maxSize = maxSize;
        this.shared = shared;
    }

    @Override
    boolean forEachWhile(TerminalRun run, Downstream<? super List<T>> sink) throws InterruptedException {
        Clock clock = shared.clock;
        Buffer buffer = new Buffer(run.owner);
        Thread producer = shared.newThread(() -> buffer.produce(run));
        producer.start();
        try {
            long end = clock.nanoTime() + periodNanos;
            while (true) {
                List<T> batch;
                boolean finished;
                Throwable failure;
                while (true) {
                    run.check();
                    long now = clock.nanoTime();
                    synchronized (buffer) {
                        finished = buffer.finished;
                        boolean periodOver = now - end >= 0;
                        if (finished || periodOver || buffer.current.size() >= maxSize) {
                            batch = buffer.take();
                            failure = buffer.failure;
                            if (periodOver) {
                                end += periodNanos * Math.max(1, (now - end) / periodNanos + 1);
                            }
                            break;
                        }
                    }
                    if (Thread.interrupted()) {
                        throw new InterruptedException();
                    }
                    clock.parkNanos(buffer, end - now);
                }
                if (!batch.isEmpty() && !sink.accept(Collections.unmodifiableList(batch))) {
                    return false;
                }
                if (finished) {
                    if (failure != null) {
                        throw FunctionFailures.rethrow(shared, "the upstream of window()", failure);
                    }
                    return true;
                }
            }
        } finally {
            buffer.stop(producer);
        }
    }

    /** The list being filled and the producer's outcome. Guarded by {@code this}. */
    private final class Buffer {
        private final Thread consumer;
        private List<T> current = new ArrayList<>();
        private boolean finished;
        private Throwable failure;
        private boolean stopped;
        /** The producer's sub-run; set by the producer before it pulls. Guarded by {@code this}. */
        private TerminalRun sub;

        Buffer(Thread consumer) {
            this.consumer = consumer;
        }

        /** The producer thread's body. */
        void produce(TerminalRun run) {
            TerminalRun mine = run.child(Thread.currentThread());
            Throwable failed = null;
            try {
                synchronized (this) {
                    if (stopped) {
                        return;
                    }
                    sub = mine;
                }
                up.forEachWhile(mine, this::add);
            } catch (Throwable e) {
                failed = e;
            } finally {
                mine.end();
                synchronized (this) {
                    finished = true;
                    if (!stopped) {
                        failure = failed;
                    }
                }
                LockSupport.unpark(consumer);
            }
        }

        private boolean add(T t) throws InterruptedException {
            synchronized (this) {
                while (current.size() >= maxSize && !stopped) {
                    wait();
                }
                if (stopped) {
                    return false;
                }
                current.add(t);
                if (current.size() < maxSize) {
                    return true;
                }
            }
            LockSupport.unpark(consumer);
            return true;
        }

        /** Takes the current list; the caller holds the lock. */
        List<T> take() {
            List<T> taken = current;
            current = new ArrayList<>();
            notifyAll();
            return taken;
        }

        /** Stops the producer and waits for it to end, keeping the caller's interrupt status. */
        void stop(Thread producer) {
            TerminalRun toCancel;
            synchronized (this) {
                stopped = true;
                toCancel = sub;
                notifyAll();
            }
            if (toCancel != null) {
                toCancel.scope.cancel();
            }
            producer.interrupt();
            boolean interrupted = false;
            while (producer.isAlive()) {
                try {
                    producer.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
