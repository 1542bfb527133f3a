package goflow.impl.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import goflow.api.GoFlowException;
import goflow.api.Registration;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pipeline.StageResult;
import goflow.api.pool.WorkerPool;
import goflow.impl.internal.Droppable;
import goflow.impl.internal.Handoff;

/**
 * One execution of a pipeline that has an executor: each stage is a task on the executor, and no
 * thread waits for a stage (the caller of {@code execute} waits only for {@link #future}). A worker
 * that ends a stage never waits for room in a goflow pool's full queue either: it runs the next
 * stage itself ({@link Handoff}).
 *
 * <p>State: the fields {@code cur}, {@code index}, {@code first}, {@code stopped} and
 * {@code results} are touched by one thread at a time — the thread that starts the execution,
 * then whichever thread ends each stage — and each hand-off goes through the executor (task
 * submission) or the {@link Call#state} CAS, both of which publish them.
 *
 * <p>Each stage call ends exactly once. {@link Call#state}: {@code PENDING → RUNNING} when the
 * task starts, then {@code RUNNING → DONE} when it finishes (the task ends the call), or the
 * context's end gives the call up on the thread that ended the context, so a timeout returns at
 * the deadline even if the stage ignores its context: {@code PENDING → ABANDONED} before the task
 * started, or {@code RUNNING → INTERRUPTING → ABANDONED} around interrupting the task's thread;
 * the task then waits out INTERRUPTING and clears that interrupt, so it never reaches the
 * executor's next task (a thread found interrupted already is not interrupted again, and its
 * interrupt, not the pipeline's, is left alone). The
 * execution checks the context again after publishing {@link #current} (and the context's
 * callback reads {@code current} after the context is done), so a context that ends between two
 * stages is never missed. The task also reads the context after the stage returns, before it
 * ends the call: a deadline that passed while its timer has not run yet is noticed there, and
 * a call that returns after the context ended is a failure with the context's error, never a
 * success. A goflow {@link WorkerPool} that will never run a call it accepted
 * ({@code shutdownNow()} with the call still queued) says so by calling the call's
 * {@link Droppable#dropped}: {@code PENDING → ABANDONED} there too, and the call fails with the pool's cancellation (an
 * executor that silently drops a task leaves the execution waiting for its context to end).
 *
 * @param <I> the input type
 * @param <O> the output type
 */
final class Execution<I, O> {
    private static final int PENDING = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;
    private static final int INTERRUPTING = 3;
    private static final int ABANDONED = 4;

    final CompletableFuture<PipelineResult<I, O>> future = new CompletableFuture<>();
    private final PipelineImpl<I, O> p;
    private final CancellableContext ctx;
    private final I input;
    private final List<StageResult> results;
    private long t0;
    private Instant start;
    private Object cur;
    private int index;
    private Throwable first;
    private boolean stopped;
    /** The stage call in progress; read by the context's callback. */
    private volatile Call current;
    private Registration onDone = Registration.NONE;

    Execution(PipelineImpl<I, O> p, CancellableContext ctx, I input) {
        this.p = p;
        this.ctx = ctx;
        this.input = input;
        this.cur = input;
        this.results = new ArrayList<>(p.nodes.length);
    }

    void start() {
        t0 = p.clock.nanoTime();
        start = p.clock.instant();
        p.executionStarted();
        if (p.listeners.any()) {
            p.listeners.pipelineStart(input);
        }
        onDone = ctx.onDone(this::contextEnded);
        next(false);
    }

    void cancel(Throwable why) {
        ctx.cancel(why);
    }

    private void contextEnded() {
        Call c = current;
        if (c != null && c.abandon()) {
            ended(c, null, ctx.error().orElseThrow(), false);
        }
    }

    /**
     * Starts the next stage, or completes. Runs on the thread that ended the previous stage;
     * {@code onWorker} when that is the executor's thread that ran it. Such a thread must not wait
     * for room in its own pool's full queue (only a worker makes room: were every worker to wait
     * so, the pool would deadlock), so there, when a goflow pool has no room, the stage runs on
     * this thread instead. Elsewhere (the caller, for the first stage) a goflow pool is waited for
     * only until the execution's context ends, so that a timeout returns on time.
     */
    private void next(boolean onWorker) {
        if (stopped || index == p.nodes.length || ctx.isDone()) {
            if (!stopped && index < p.nodes.length && first == null) {
                first = ctx.error().orElseThrow();
            }
            complete();
            return;
        }
        StageNode node = p.nodes[index];
        if (p.listeners.any()) {
            p.listeners.stageStart(node.name, cur);
        }
        node.enter();
        Call c = new Call(node, cur, p.clock.nanoTime());
        current = c;
        if (ctx.isDone()) {
            if (c.abandon()) {
                ended(c, null, ctx.error().orElseThrow(), onWorker);
            }
            return;
        }
        try {
            // a goflow WorkerPool that drops it calls c.dropped (Droppable)
            if (!(p.executor instanceof Handoff h)) {
                p.executor.execute(c);
            } else if (!onWorker) {
                // waits for room until the execution's context ends (contextEnded then ends c)
                h.execute(c, ctx);
            } else if (!h.tryExecute(c)) {
                c.run(); // its queue is full: run the stage here, on the pool's thread
            }
        } catch (RuntimeException | Error e) {
            if (c.abandon()) {
                // a wait for room that the context ended is the context's failure, as a timeout is
                ended(c, null, ctx.isDone() ? ctx.error().orElseThrow()
                        : new GoFlowException("pipeline '" + p.name + "': failed to submit stage '" + node.name
                                + "' to the executor: " + e, e), onWorker);
            }
        }
    }

    /**
     * Records a stage call and moves on; called exactly once per call, by its winner.
     * {@code onWorker} when that is the executor's thread that ran the call; see {@link #next}.
     */
    private void ended(Call c, Object out, Throwable err, boolean onWorker) {
        long s1 = p.clock.nanoTime();
        c.node.exit(s1 - c.startNanos, err == null);
        StageResult r = new StageResult(c.node.name, c.input, out, err, start.plusNanos(c.startNanos - t0),
                start.plusNanos(s1 - t0), Duration.ofNanos(s1 - c.startNanos));
        results.add(r);
        if (p.listeners.any()) {
            p.listeners.stageEnd(r);
        }
        index++;
        if (err == null) {
            cur = out;
        } else {
            if (first == null) {
                first = err;
            }
            if (p.stopOnError || ctx.isDone()) {
                stopped = true;
            }
        }
        next(onWorker);
    }

    @SuppressWarnings("unchecked")
    private void complete() {
        onDone.close();
        PipelineResult<I, O> r;
        try {
            r = p.finish(input, (O) (first == null ? cur : null), first, results, t0, start);
        } finally {
            ctx.close();
        }
        future.complete(r);
    }

    /** One stage call, submitted to the executor. */
    private final class Call implements Droppable {
        final AtomicInteger state = new AtomicInteger(PENDING);
        final StageNode node;
        final Object input;
        final long startNanos;

        Call(StageNode node, Object input, long startNanos) {
            this.node = node;
            this.input = input;
            this.startNanos = startNanos;
        }

        /** The thread running the stage; written before {@code state} becomes RUNNING. */
        private Thread runner;
        /**
         * Whether {@link #abandon} interrupted {@link #runner}: false when it found the thread
         * interrupted already (by someone else, whose interrupt is kept). Written before
         * {@code state} becomes ABANDONED, read after.
         */
        private boolean interrupted;

        /** Gives the call up; returns true for the one caller that ends it this way. */
        boolean abandon() {
            if (state.compareAndSet(PENDING, ABANDONED)) {
                return true;
            }
            if (state.compareAndSet(RUNNING, INTERRUPTING)) {
                try {
                    if (!runner.isInterrupted()) {
                        runner.interrupt();
                        interrupted = true;
                    }
                } finally {
                    state.set(ABANDONED);
                }
                return true;
            }
            return false;
        }

        /**
         * Ends a call its pool will never run (cancelled while queued); does nothing once the call
         * has started or ended.
         */
        @Override
        public void dropped(Throwable why) {
            if (state.compareAndSet(PENDING, ABANDONED)) {
                ended(this, null, why instanceof CancelledException ? why : new CancelledException(why), false);
            }
        }

        @Override
        public void run() {
            runner = Thread.currentThread();
            if (!state.compareAndSet(PENDING, RUNNING)) {
                return;
            }
            Object out = null;
            Throwable err = null;
            try {
                out = node.process(ctx, input);
            } catch (Throwable e) {
                err = e;
            }
            if (ctx.isDone()) {
                // The context ended while the stage ran. Reading it also ends a context whose
                // deadline passed before its timer ran, and then contextEnded() gives this call up
                // on this thread; if the context's own callback is still on its way, this call
                // may win the CAS below, but it is a failure all the same.
                err = PipelineImpl.endedDuring(ctx, err);
                out = null;
            }
            if (state.compareAndSet(RUNNING, DONE)) {
                ended(this, err == null ? out : null, err, true);
                return;
            }
            while (state.get() == INTERRUPTING) {
                Thread.onSpinWait();
            }
            if (interrupted) {
                Thread.interrupted(); // the interrupt was ours: do not leave it to the executor
            }
        }
    }
}
