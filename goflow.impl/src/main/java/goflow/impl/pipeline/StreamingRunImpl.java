package goflow.impl.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import goflow.api.Registration;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.pipeline.ItemErrorHandler;
import goflow.api.pipeline.StageResult;
import goflow.api.pipeline.StreamingResult;
import goflow.api.pipeline.StreamingRun;

/**
 * One streaming run: a source thread, {@code workers[k]} threads per stage {@code k}, and one
 * output thread, connected by blocking queues.
 *
 * <p>Data flow: {@code queues[k]} (a {@link StageBuffer} of {@code buffers[k]}) is the buffer in
 * front of stage {@code k}; {@code output} leads to the output thread. A worker blocks on
 * {@code put} when the next buffer is full, which is the backpressure. The source
 * thread also takes one of {@code permits} per item, returned when the item leaves the run; the
 * permits (sum of buffers and workers) bound the items in the run, including the ones the output
 * thread holds back to restore input order, so memory stays bounded in ordered mode too.
 *
 * <p>Ending: when the source is exhausted the source thread puts one {@code END} per worker of
 * stage 0; the last worker of a stage to take its {@code END} puts the {@code END}s of the next
 * stage, after every item it and its siblings forwarded (FIFO queues keep them behind). The
 * output thread ends on its {@code END}. Stopping early (error, cancellation, pipeline close)
 * cancels {@code ctx}, whose callback interrupts every thread. The last thread to exit
 * ({@code live} reaching zero) joins the others and publishes the result.
 *
 * <p>Timeout: with a pipeline timeout each item gets its own context ({@link Item#ctx}) when it is
 * taken from the source, and each stage call on it is guarded by an {@link Interrupter}, as in
 * {@code execute}. An item whose context is done before a stage fails there without running it;
 * a stage call that returns after it fails with the context's error whatever it returned.
 *
 * <p>Counting: every item taken from the source counts in {@code in} and leaves the run exactly
 * once: in {@code out} when the sink returned normally, in {@code failed} when it failed in a
 * stage and is handed to the error handler (without one, when it stops the run), or, at the end,
 * as dropped ({@code in - out - failed}): still in a buffer, a stage or the output queue when the
 * run stopped, or refused by a sink that threw. The pipeline's statistics record the item's
 * execution together with {@code out} or {@code failed}, never for a dropped item: an item the
 * sink did not accept is not a success. No lock: the item is owned by one thread at a time.
 *
 * <p>Thread-safe: counters are atomics; {@code error} is set once by CAS.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
final class StreamingRunImpl<I, O> implements StreamingRun {
    private static final Object END = new Object();

    private final PipelineImpl<I, O> p;
    private final StageNode[] nodes;
    private final int[] workers;
    private final int n;
    private final boolean ordered;
    private final ItemErrorHandler<? super I> handler;
    private final Iterable<? extends I> source;
    private final Consumer<? super O> sink;
    private final CancellableContext ctx;
    /** The buffer in front of each stage. */
    private final List<StageBuffer> queues = new ArrayList<>();
    /** Finished (and, with an error handler, failed) items for the output thread; bounded by the permits. */
    private final BlockingQueue<Object> output = new LinkedBlockingQueue<>();
    private final AtomicInteger[] remaining;
    private final Semaphore permits;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger live = new AtomicInteger();
    private final AtomicReference<Throwable> error = new AtomicReference<>();
    private final AtomicLong in = new AtomicLong();
    private final AtomicLong out = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final CompletableFuture<StreamingResult> completion = new CompletableFuture<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile StreamingResult result;
    /** Set by the output thread when it received its END: every item was delivered. */
    private volatile boolean drained;
    private volatile Registration onDone = Registration.NONE;
    private long t0;
    private Instant start;

    StreamingRunImpl(PipelineImpl<I, O> p, int[] workers, int[] buffers, boolean ordered,
            ItemErrorHandler<? super I> handler, Iterable<? extends I> source, Consumer<? super O> sink,
            Context parent) {
        this.p = p;
        this.nodes = p.nodes;
        this.n = nodes.length;
        this.workers = workers.clone();
        this.ordered = ordered;
        this.handler = handler;
        this.source = source;
        this.sink = sink;
        long bound = 0; // a long: huge buffers (Integer.MAX_VALUE for "no bound") must not wrap around
        this.remaining = new AtomicInteger[n];
        for (int k = 0; k < n; k++) {
            queues.add(new StageBuffer(buffers[k]));
            remaining[k] = new AtomicInteger(workers[k]);
            bound += (long) buffers[k] + workers[k];
        }
        this.permits = new Semaphore((int) Math.max(1, Math.min(bound, Integer.MAX_VALUE)));
        this.ctx = parent.withCancel();
    }

    void start() {
        t0 = p.clock.nanoTime();
        start = p.clock.instant();
        threads.add(new Thread(guard(this::produce), p.threadName()));
        for (int k = 0; k < n; k++) {
            int stage = k;
            for (int w = 0; w < workers[k]; w++) {
                threads.add(new Thread(guard(() -> work(stage)), p.threadName()));
            }
        }
        threads.add(new Thread(guard(this::deliver), p.threadName()));
        live.set(threads.size());
        try {
            p.register(this);
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
        completion.whenComplete((r, ex) -> {
            if (ex instanceof CancellationException) {
                cancel();
            }
        });
        int started = 0;
        try {
            for (Thread t : threads) {
                t.setDaemon(true);
                t.start();
                started++;
            }
        } catch (RuntimeException | Error e) {
            // Threads never started will never exit: count them out, then stop the others.
            stop(e);
            for (int i = started; i < threads.size(); i++) {
                exited();
            }
        }
        onDone = ctx.onDone(this::interruptAll);
    }

    private Runnable guard(Runnable body) {
        return () -> {
            try {
                body.run();
            } catch (Throwable t) {
                stop(t);
            } finally {
                exited();
            }
        };
    }

    /**
     * Records the first error and stops the run. An error raised once the run is already stopping
     * (its context done: cancelled, its pipeline closed, or a first error) is not recorded: it is
     * a consequence of the stop, typically user code (the source, the sink, the error handler)
     * giving up on the run's own interrupt, and the stop's reason stays the run's error, as for a
     * stage that throws once the run is stopped.
     */
    private void stop(Throwable why) {
        if (!ctx.isDone()) {
            error.compareAndSet(null, why);
        }
        ctx.cancel(why);
    }

    /**
     * Clears an interrupt that user code (the source, a stage, a listener, the sink or the error
     * handler) left set on a run thread, for example by restoring the flag after catching an
     * InterruptedException: the run's next wait would take it for the run being stopped, and the
     * thread would leave without passing its item or its END on, which hangs the run. An
     * interrupt of the run's own is kept: the run's context is done before its callback
     * interrupts the threads, so a cleared interrupt with a done context is put back.
     */
    private void clearStrayInterrupt() {
        if (Thread.interrupted() && ctx.isDone()) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Ends a run thread's loop on an InterruptedException. The run's own stop cancels {@code ctx}
     * before it interrupts the threads, so with {@code ctx} not done the exception is not the
     * stop: user code (the source or the sink) threw it undeclared (Kotlin, {@code @SneakyThrows}),
     * and it stops the run like any other exception of theirs. Leaving without it would hang the
     * run (the thread neither passes its END on nor takes from its queue again) or, once the other
     * threads ended, end it with no reason.
     */
    private void interrupted(InterruptedException e) {
        if (!ctx.isDone()) {
            stop(e);
        }
    }

    private void interruptAll() {
        Thread self = Thread.currentThread();
        for (Thread t : threads) {
            if (t != self) {
                t.interrupt();
            }
        }
    }

    private void produce() {
        Iterator<? extends I> it;
        long seq = 0;
        boolean exhausted = false;
        try {
            if (ctx.isDone()) {
                return; // cancelled before it began (or the pipeline closed as it started): not opened
            }
            it = source.iterator();
            clearStrayInterrupt();
            while (!ctx.isDone()) {
                permits.acquire();
                boolean hasNext = it.hasNext();
                clearStrayInterrupt();
                if (!hasNext) {
                    permits.release();
                    exhausted = true;
                    break;
                }
                I value = it.next();
                clearStrayInterrupt();
                Item item = new Item(seq++, value, p.clock.nanoTime(),
                        p.timeout == null ? null : ctx.withTimeout(p.timeout));
                if (n == 0) {
                    // No stage will end it: its execution ends as it starts (as execute's, at once).
                    item.end(item.startNanos);
                }
                in.incrementAndGet();
                p.itemsEntered(1);
                putInFront(0, item);
            }
            if (exhausted) {
                putEnds(0);
            }
        } catch (InterruptedException e) {
            interrupted(e);
        }
    }

    /** Puts {@code o} in front of stage k, or of the output thread when k == n. */
    private void putInFront(int k, Object o) throws InterruptedException {
        if (k < n) {
            queues.get(k).put(o);
        } else {
            output.put(o);
        }
    }

    /** Puts the END markers in front of stage k (or of the output thread when k == n). */
    private void putEnds(int k) throws InterruptedException {
        int count = k < n ? workers[k] : 1;
        for (int i = 0; i < count; i++) {
            putInFront(k, END);
        }
    }

    private void work(int k) {
        StageNode node = nodes[k];
        StageBuffer from = queues.get(k);
        boolean last = k == n - 1;
        boolean notify = p.listeners.any();
        try {
            while (!ctx.isDone()) {
                Object o = from.take();
                if (o == END) {
                    if (remaining[k].decrementAndGet() == 0) {
                        putEnds(k + 1);
                    }
                    return;
                }
                Item item = (Item) o;
                if (item.ctx != null && item.ctx.isDone()) {
                    // Its time ran out before this stage: the stage does not run.
                    if (ctx.isDone()) {
                        return;
                    }
                    long now = p.clock.nanoTime();
                    Instant at = start.plusNanos(now - t0);
                    if (!itemFailed(item, new StageResult(node.name, item.value, null, item.ctx.error().orElseThrow(), at,
                            at, Duration.ZERO), now)) {
                        return;
                    }
                    continue;
                }
                if (notify) {
                    p.listeners.stageStart(node.name, item.value);
                }
                node.enter();
                long s0 = p.clock.nanoTime();
                Object value = null;
                Throwable err = null;
                if (item.ctx == null) {
                    try {
                        value = node.process(ctx, item.value);
                    } catch (Throwable e) {
                        err = e;
                    }
                } else {
                    try (Interrupter interrupter = new Interrupter(item.ctx)) {
                        interrupter.stageStarts();
                        try {
                            // Read again once the interrupter is armed: the item's time may have run
                            // out since the check above (during a listener, say); the stage then
                            // does not run (the check below fails the item), as in execute.
                            if (!item.ctx.isDone()) {
                                value = node.process(item.ctx, item.value);
                            }
                        } catch (Throwable e) {
                            err = e;
                        }
                        interrupter.stageEnded();
                    }
                    if (item.ctx.isDone()) {
                        err = PipelineImpl.endedDuring(item.ctx, err);
                        value = null;
                    }
                }
                long s1 = p.clock.nanoTime();
                node.exit(s1 - s0, err == null);
                StageResult r = null;
                if (notify || err != null) {
                    r = new StageResult(node.name, item.value, value, err, start.plusNanos(s0 - t0),
                            start.plusNanos(s1 - t0), Duration.ofNanos(s1 - s0));
                    if (notify) {
                        p.listeners.stageEnd(r);
                    }
                }
                if (ctx.isDone()) {
                    // The run was stopped while the stage ran: the item is dropped. (The
                    // interrupter may have cleared the run's interrupt, so check explicitly.)
                    return;
                }
                clearStrayInterrupt();
                if (err != null) {
                    if (!itemFailed(item, r, s1)) {
                        return;
                    }
                } else {
                    item.value = value;
                    if (last) {
                        // Not a success yet: hand() records it once the sink has accepted it.
                        item.end(s1);
                    }
                    putInFront(k + 1, item);
                }
            }
        } catch (InterruptedException e) {
            interrupted(e);
        }
    }

    /**
     * Counts a failed item and stops the run when there is no error handler, or sends the item to
     * the error handler (hand() counts it then); returns whether the worker goes on.
     */
    private boolean itemFailed(Item item, StageResult failure, long nanos) throws InterruptedException {
        item.end(nanos);
        item.failure = failure;
        if (handler == null) {
            failed.incrementAndGet();
            record(item, false);
            p.itemsLeft(1);
            stop(failure.error());
            return false;
        }
        output.put(item);
        return true;
    }

    /**
     * Records the item as one execution in the pipeline's statistics, spanning from when it was
     * taken from the source to the end of its last stage call; called once the item is counted
     * out of the run (delivered or failed), never for a dropped item.
     */
    private void record(Item item, boolean ok) {
        p.recordExecution(item.endNanos - item.startNanos, ok, start.plusNanos(item.endNanos - t0));
    }

    @SuppressWarnings("unchecked")
    private void deliver() {
        Map<Long, Item> held = ordered ? new HashMap<>() : null;
        long next = 0;
        try {
            while (!ctx.isDone()) {
                Object o = output.take();
                if (o == END) {
                    drained = true;
                    return;
                }
                Item item = (Item) o;
                if (!ordered) {
                    hand(item);
                    clearStrayInterrupt();
                    continue;
                }
                held.put(item.seq, item);
                while ((item = held.remove(next)) != null && !ctx.isDone()) {
                    hand(item);
                    clearStrayInterrupt();
                    next++;
                }
            }
        } catch (InterruptedException e) {
            interrupted(e);
        }
    }

    /** Gives one item to the sink or the error handler; on the output thread. */
    @SuppressWarnings("unchecked")
    private void hand(Item item) {
        if (ctx.isDone()) {
            return;
        }
        // The permit is returned after the item is counted out, so in - out - failed never
        // exceeds the number of permits. An item is a success (here and in the pipeline's
        // statistics) only once the sink returned normally: if it throws (an Error propagates to
        // guard), or the run stops before the sink gets the item, the item is dropped.
        if (item.failure == null) {
            try {
                sink.accept((O) item.value);
            } catch (RuntimeException e) {
                stop(e); // the item counts as dropped
                return;
            }
            out.incrementAndGet();
            record(item, true);
            p.itemsLeft(1);
            permits.release();
        } else {
            failed.incrementAndGet();
            record(item, false);
            p.itemsLeft(1);
            permits.release();
            try {
                ((ItemErrorHandler<Object>) handler).onError(item.input, item.failure);
            } catch (Exception e) {
                stop(e);
            }
        }
    }

    private void exited() {
        if (live.decrementAndGet() != 0) {
            return;
        }
        onDone.close();
        Throwable err = error.get();
        if (err == null && !drained) {
            err = ctx.error().map(Throwable.class::cast).orElseGet(
                    () -> new IllegalStateException("streaming run ended without draining"));
        }
        ctx.close();
        p.unregister(this);
        Thread.interrupted(); // our own interrupt, if any, was part of stopping
        Thread self = Thread.currentThread();
        for (Thread t : threads) {
            while (t != self && t.isAlive()) {
                try {
                    t.join();
                } catch (InterruptedException ignored) {
                    // keep waiting: the thread is already leaving
                }
            }
        }
        long i = in.get();
        long o = out.get();
        long f = failed.get();
        long dropped = Math.max(0, i - o - f);
        p.itemsLeft(dropped);
        StreamingResult r = new StreamingResult(i, o, f, dropped, err,
                Duration.ofNanos(p.clock.nanoTime() - t0));
        result = r;
        ended.countDown();
        completion.complete(r);
    }

    @Override
    public long itemsIn() {
        return in.get();
    }

    @Override
    public long itemsOut() {
        return out.get();
    }

    @Override
    public long itemsFailed() {
        return failed.get();
    }

    @Override
    public long itemsInFlight() {
        if (result != null) {
            return 0; // ended: the items still in the run were counted dropped
        }
        return Math.max(0, in.get() - out.get() - failed.get());
    }

    @Override
    public void cancel() {
        ctx.cancel();
    }

    /**
     * Waits until the run has ended - every thread has exited, or will never start - or until
     * {@code untilNanos} ({@link System#nanoTime()}); a join of {@link #threads()} passes over a
     * thread not started yet at once, so {@link PipelineImpl#close()} waits here first.
     *
     * @param untilNanos when to give up
     * @return false if the calling thread was interrupted (its flag is then clear), else true
     */
    boolean awaitEndUntil(long untilNanos) {
        try {
            ended.await(Math.max(0, untilNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /**
     * Returns the run's threads (some may have ended, or, while the run starts, not have started
     * yet); the list is complete once the run is registered with its pipeline.
     *
     * @return an unmodifiable view
     */
    List<Thread> threads() {
        return Collections.unmodifiableList(threads);
    }

    @Override
    public CompletableFuture<StreamingResult> completion() {
        return completion;
    }

    @Override
    public StreamingResult await() throws InterruptedException {
        Thread self = Thread.currentThread();
        // Before the end, a run thread (the source, a stage, the sink, the error handler) would wait
        // for itself: the run hung until cancelled. (The run cannot end while this thread is in
        // it, so the count read here stays.)
        if (ended.getCount() != 0 && threads.contains(self)) {
            throw new IllegalStateException("streaming run of pipeline '" + p.name + "': await() called on the run's "
                    + "own thread " + self.getName() + " (its source, a stage, the sink or the error handler), "
                    + "which the run waits for; use completion() to act on the result");
        }
        ended.await();
        // The run's last thread completes the completion future, so a callback chained on it may
        // call await() on that thread: it must not wait for itself (the others have ended).
        for (Thread t : threads) {
            if (t != self) {
                t.join();
            }
        }
        return result;
    }

    @Override
    public String toString() {
        return "StreamingRun[" + p.name + ", in=" + in.get() + ", out=" + out.get() + ", failed=" + failed.get()
                + "]";
    }

    /** One item on its way through the stages; owned by one thread at a time (queues publish it). */
    private static final class Item {
        final long seq;
        final Object input;
        final long startNanos;
        /**
         * With a pipeline timeout: the item's own context, a child of the run's with the timeout
         * from when the item was taken from the source; its stages get it. Closed when the item's
         * execution ends, or with the run's context when the item is dropped. Null without a
         * timeout (stages then get the run's context).
         */
        final CancellableContext ctx;
        Object value;
        StageResult failure;
        /** When its last stage call (or the one it failed at) ended; set by {@link #end}. */
        long endNanos;

        Item(long seq, Object input, long startNanos, CancellableContext ctx) {
            this.seq = seq;
            this.input = input;
            this.value = input;
            this.startNanos = startNanos;
            this.ctx = ctx;
        }

        /**
         * Ends the item's execution at {@code nanos}: releases its context (its deadline timer and
         * its place in the run's context).
         */
        void end(long nanos) {
            endNanos = nanos;
            if (ctx != null) {
                ctx.close();
            }
        }
    }
}
