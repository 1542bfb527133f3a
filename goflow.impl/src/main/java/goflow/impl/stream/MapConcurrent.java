package goflow.impl.stream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

import goflow.api.function.ThrowingFunction;
import goflow.impl.internal.GrowingRing;

/**
 * {@code mapConcurrent(n, mapper)}: up to n mapper calls at once on threads of the stream's own,
 * results passed on in input order.
 *
 * <p>Per run: the calling thread pulls an element, wraps it in a {@link Slot}, queues it for the
 * workers and appends it to {@code inFlight}; once n slots are in flight it first waits for the
 * oldest to complete and passes its result on. Workers (at most n, started as the number in flight
 * grows) take slots from {@code work}, run the mapper, publish the result through the slot's
 * volatile {@code done} and unpark the calling thread. When the run ends for any reason the
 * workers are interrupted and joined before {@code forEachWhile} returns, so no worker outlives
 * the terminal operation.
 *
 * <p>FunctionFailures: whatever the mapper throws (any {@code Throwable}, checked exceptions and
 * {@code InterruptedException} included) is kept in its slot and thrown by the calling thread
 * when the slot's turn comes, through {@link FunctionFailures#rethrow}; the worker goes on with the next
 * slot (an interrupt the mapper left set is cleared by the next wait, and only ends the worker
 * when the stream is stopping). A mapper interrupted by {@link Workers#stop()} fails a slot nobody
 * will take any more, so that interruption is never reported.
 */
final class MapConcurrent<T, R> extends StreamNode<R> {
    private final StreamNode<T> up;
    private final int parallelism;
    private final ThrowingFunction<? super T, ? extends R> mapper;
    private final ChainState shared;

    MapConcurrent(StreamNode<T> up, int parallelism, ThrowingFunction<? super T, ? extends R> mapper, ChainState shared) {
        this.up = up;
        this.parallelism = parallelism;
        this.mapper = mapper;
        this.shared = shared;
    }

    @Override
    boolean forEachWhile(TerminalRun run, Downstream<? super R> sink) throws InterruptedException {
        Workers workers = new Workers(run);
        try {
            boolean more = up.forEachWhile(run, t -> {
                // Results already finished go on as each element arrives, not only once parallelism
                // elements are in flight (a slow source would otherwise hold them back for that many
                // more elements); then room is waited for, oldest first.
                while (workers.oldestDone() || workers.inFlight.size() >= parallelism) {
                    if (!workers.passOldest(sink)) {
                        return false;
                    }
                }
                workers.submit(t);
                return true;
            });
            if (!more) {
                return false;
            }
            while (!workers.inFlight.isEmpty()) {
                if (!workers.passOldest(sink)) {
                    return false;
                }
            }
            return true;
        } finally {
            workers.stop();
        }
    }

    /** One element's trip through a worker. {@code done} publishes {@code result} or {@code failure}. */
    private final class Slot {
        final T input;
        R result;
        Throwable failure;
        volatile boolean done;

        Slot(T input) {
            this.input = input;
        }
    }

    /** The workers of one run. Fields other than {@code work} and {@code stopping} belong to the calling thread. */
    private final class Workers {
        private final TerminalRun run;
        private final ArrayDeque<Slot> inFlight = new ArrayDeque<>();
        /**
         * Never holds more than {@code parallelism} slots, since each is also in {@code inFlight}.
         * An array queue preallocates its capacity, so a large parallelism (Integer.MAX_VALUE
         * for "no limit") gets a linked queue instead of failing with an OutOfMemoryError.
         */
        private final BlockingQueue<Slot> work = parallelism <= GrowingRing.PREALLOCATED_MAX
                ? new ArrayBlockingQueue<>(parallelism) : new LinkedBlockingQueue<>();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean stopping;

        Workers(TerminalRun run) {
            this.run = run;
        }

        void submit(T t) {
            Slot slot = new Slot(t);
            inFlight.addLast(slot);
            work.add(slot);
            if (threads.size() < inFlight.size()) {
                Thread worker = shared.newThread(this::work);
                threads.add(worker);
                worker.start();
            }
        }

        /** Whether the oldest element in flight has its result (or failure): passing it on will not wait. */
        boolean oldestDone() {
            Slot oldest = inFlight.peekFirst();
            return oldest != null && oldest.done;
        }

        /** Waits for the oldest slot and passes its result on; returns what the sink returned. */
        boolean passOldest(Downstream<? super R> sink) throws InterruptedException {
            Slot slot = inFlight.peekFirst();
            while (!slot.done) {
                run.check();
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
                LockSupport.park(this);
            }
            inFlight.removeFirst();
            if (slot.failure != null) {
                throw FunctionFailures.rethrow(shared, "the function given to mapConcurrent()", slot.failure);
            }
            R result = slot.result;
            slot.result = null;
            return sink.accept(result);
        }

        private void work() {
            while (!stopping) {
                Slot slot;
                try {
                    slot = work.take();
                } catch (InterruptedException e) {
                    // From stop(), or left set by the previous mapper call: only the first ends the worker.
                    continue;
                }
                try {
                    slot.result = mapper.apply(slot.input);
                } catch (Throwable e) {
                    slot.failure = e;
                }
                slot.done = true;
                LockSupport.unpark(run.owner);
            }
        }

        /** Interrupts the workers and waits for them to end, keeping the caller's interrupt status. */
        void stop() {
            stopping = true;
            for (Thread t : threads) {
                t.interrupt();
            }
            boolean interrupted = false;
            for (Thread t : threads) {
                while (t.isAlive()) {
                    try {
                        t.join();
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
