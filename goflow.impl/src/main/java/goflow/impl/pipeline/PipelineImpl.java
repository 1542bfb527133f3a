package goflow.impl.pipeline;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import goflow.api.Clock;
import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.context.ContextException;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineListener;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pipeline.PipelineStats;
import goflow.api.pipeline.StageResult;
import goflow.api.pipeline.StageStats;
import goflow.api.pipeline.StreamingBuilder;
import goflow.api.pipeline.StreamingResult;
import goflow.impl.internal.BoundedPark;
import goflow.impl.internal.PrimitiveRegistry;
import goflow.impl.internal.StuckThreads;

/**
 * A built pipeline.
 *
 * <p>Immutable structure: the stage array, options and listeners are final and never change, so
 * executions read them without synchronization. Mutable state is only statistics (LongAdders and
 * a CAS-raised maximum; {@code lastExecution} is a volatile last-writer-wins field), the
 * {@code closed} flag (set once) and the threads this pipeline started that have not ended: the
 * live streaming runs (a concurrent set) and the {@code executeAsync} executions on threads of
 * their own (a concurrent map from thread to the execution's context), so that {@link #close()}
 * can cancel them and wait for their threads.
 *
 * <p>Implementation notes: without an executor and without a timeout, {@link #execute} runs the
 * stages inline on the caller's thread and passes the caller's context to them: no allocation
 * beyond the results, no lock, no thread hop. With a timeout a child context is derived per
 * execution. With an executor, an {@link Execution} state machine submits one task per stage and
 * completes a future; see there. In every mode the context is read again after each stage
 * returns: a stage call that returns after the execution's context ended (a stage that ignored
 * its timeout) fails with the context's error ({@link #endedDuring}), so a timed-out execution
 * is never a success, whichever stage overran.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
final class PipelineImpl<I, O> implements Pipeline<I, O> {
    /**
     * How long {@link #close()} lets {@code executeAsync} executions on threads of their own
     * finish before it cancels them.
     */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    /** How long {@link #close()} then waits for its threads before it gives up on them. */
    static final Duration CLOSE_BOUND = Duration.ofSeconds(1);
    private static final System.Logger LOG = System.getLogger(PipelineImpl.class.getName());

    final String name;
    final StageNode[] nodes;
    final boolean stopOnError;
    final Duration timeout;
    final Executor executor;
    final Listeners listeners;
    final Clock clock;
    private final PrimitiveRegistry.Entry entry;
    private final List<String> stageNames;

    private final LongAdder successes = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder totalNanos = new LongAdder();
    private final LongAdder inFlight = new LongAdder();
    private final AtomicLong maxNanos = new AtomicLong();
    /** End of the execution that completed last; last writer wins. */
    private volatile Instant lastExecution;
    /** Set once by close(). */
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Streaming runs not yet ended; close() cancels them and waits for their threads. */
    private final Set<StreamingRunImpl<I, O>> runs = ConcurrentHashMap.newKeySet();
    /**
     * The threads of executeAsync executions without an executor, not yet ended, with each
     * execution's context; close() waits for them and cancels those that take too long.
     */
    private final Map<Thread, CancellableContext> asyncThreads = new ConcurrentHashMap<>();
    /** The context of {@link #execute(Object)}: never done, on this pipeline's clock. */
    private final Context background;
    /** Numbers the threads this pipeline starts. */
    private final AtomicLong threadCounter = new AtomicLong();

    PipelineImpl(PrimitiveRegistry.Entry entry, List<StageNode> stages, boolean stopOnError, Duration timeout,
            Executor executor, List<PipelineListener> listeners, Clock clock) {
        this.entry = entry;
        this.name = entry.name();
        this.nodes = stages.toArray(new StageNode[0]);
        this.stopOnError = stopOnError;
        this.timeout = timeout;
        this.executor = executor;
        this.listeners = new Listeners(name, listeners);
        this.clock = clock;
        this.background = Context.background(clock);
        List<String> names = new ArrayList<>();
        for (StageNode n : nodes) {
            names.add(n.name);
        }
        this.stageNames = List.copyOf(names);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Kind kind() {
        return Primitive.Kind.PIPELINE;
    }

    @Override
    public List<String> stageNames() {
        return stageNames;
    }

    @Override
    public boolean stopOnError() {
        return stopOnError;
    }

    @Override
    public Optional<Duration> timeout() {
        return Optional.ofNullable(timeout);
    }

    void checkOpen() {
        if (closed.get()) {
            throw new ClosedException("pipeline '" + name + "' is closed");
        }
    }

    private static void checkContext(Context ctx) {
        if (ctx == null) {
            throw new InvalidConfigException(PipelineBuilderImpl.COMPONENT, "ctx", null, "must not be null",
                    "pass Context.background() when there is nothing to cancel");
        }
    }

    @Override
    public PipelineResult<I, O> execute(I input) {
        return execute(background, input);
    }

    @Override
    public PipelineResult<I, O> execute(Context ctx, I input) {
        checkOpen();
        checkContext(ctx);
        if (executor == null) {
            if (timeout == null) {
                return runInline(ctx, input, null);
            }
            try (CancellableContext own = ctx.withTimeout(timeout); Interrupter interrupter = new Interrupter(own)) {
                return runInline(own, input, interrupter);
            }
        }
        Execution<I, O> e = new Execution<>(this, ownContext(ctx), input);
        e.start();
        try {
            return e.future.get();
        } catch (InterruptedException ie) {
            e.cancel(ie);
            Thread.currentThread().interrupt();
            return e.future.join();
        } catch (java.util.concurrent.ExecutionException ee) {
            throw new IllegalStateException("pipeline execution failed unexpectedly", ee.getCause());
        }
    }

    private CancellableContext ownContext(Context ctx) {
        return timeout == null ? ctx.withCancel() : ctx.withTimeout(timeout);
    }

    @Override
    public CompletableFuture<PipelineResult<I, O>> executeAsync(Context ctx, I input) {
        checkOpen();
        checkContext(ctx);
        CancellableContext own = ownContext(ctx);
        CompletableFuture<PipelineResult<I, O>> result;
        if (executor != null) {
            Execution<I, O> e = new Execution<>(this, own, input);
            result = e.future;
            e.start();
        } else {
            result = new CompletableFuture<>();
            CompletableFuture<PipelineResult<I, O>> f = result;
            Thread t = new Thread(() -> {
                try (Interrupter interrupter = new Interrupter(own)) {
                    f.complete(runInline(own, input, interrupter));
                } catch (Throwable unexpected) {
                    f.completeExceptionally(unexpected);
                } finally {
                    own.close();
                    asyncThreads.remove(Thread.currentThread());
                }
            }, threadName());
            t.setDaemon(true);
            // Listed before the check, so that close() either sees the thread or refuses it here.
            asyncThreads.put(t, own);
            try {
                checkOpen();
                t.start();
            } catch (RuntimeException | Error e) {
                asyncThreads.remove(t);
                own.close();
                throw e;
            }
        }
        result.whenComplete((r, ex) -> {
            if (ex instanceof CancellationException) {
                own.cancel(ex);
            }
        });
        return result;
    }

    String threadName() {
        return "goflow-pipeline-" + name + "-" + threadCounter.incrementAndGet();
    }

    /**
     * Runs every stage on the calling thread. {@code interrupter}, given when {@code ctx} is the
     * execution's own context, interrupts a stage when it ends; null otherwise.
     */
    @SuppressWarnings("unchecked")
    private PipelineResult<I, O> runInline(Context ctx, I input, Interrupter interrupter) {
        long t0 = clock.nanoTime();
        Instant start = clock.instant();
        inFlight.increment();
        boolean notify = listeners.any();
        if (notify) {
            listeners.pipelineStart(input);
        }
        List<StageResult> results = new ArrayList<>(nodes.length);
        Object cur = input;
        Throwable first = null;
        for (StageNode node : nodes) {
            if (ctx.isDone()) {
                if (first == null) {
                    first = ctx.error().orElseThrow();
                }
                break;
            }
            if (notify) {
                listeners.stageStart(node.name, cur);
            }
            node.enter();
            long s0 = clock.nanoTime();
            Object out = null;
            Throwable err = null;
            if (interrupter != null) {
                interrupter.stageStarts();
            }
            try {
                // Read again once the interrupter is armed: the context may have ended since the
                // check above (during a listener, say); the stage then does not run (the check
                // below fails it), as with an executor, rather than run with no interrupt to come.
                if (!ctx.isDone()) {
                    out = node.process(ctx, cur);
                }
            } catch (Throwable e) {
                err = e;
            }
            if (interrupter != null) {
                interrupter.stageEnded();
            }
            if (ctx.isDone()) {
                // The stage returned after the execution's context ended (it ignored it): whatever
                // it returned, the call timed out or was cancelled.
                err = endedDuring(ctx, err);
                out = null;
            }
            long s1 = clock.nanoTime();
            node.exit(s1 - s0, err == null);
            StageResult r = new StageResult(node.name, cur, out, err, start.plusNanos(s0 - t0),
                    start.plusNanos(s1 - t0), Duration.ofNanos(s1 - s0));
            results.add(r);
            if (notify) {
                listeners.stageEnd(r);
            }
            if (err == null) {
                cur = out;
            } else {
                if (first == null) {
                    first = err;
                }
                if (err instanceof InterruptedException && !ctx.isDone()) {
                    Thread.currentThread().interrupt(); // not ours: keep the caller's interrupt
                    break;
                }
                if (stopOnError) {
                    break;
                }
            }
        }
        return finish(input, (O) (first == null ? cur : null), first, results, t0, start);
    }

    /**
     * The error of a stage call that returned after its execution's context ended, for example a
     * stage that ignored a timeout: the stage's own {@link ContextException} if it threw one, else
     * the context's error, with whatever the stage threw (often the {@link InterruptedException}
     * of the pipeline's own interrupt) attached as suppressed. Reading {@code ctx.isDone()} first
     * is what notices a deadline whose timer has not run yet.
     *
     * @param ctx the execution's context, done
     * @param stageError what the stage threw, or null if it returned
     * @return the call's error
     */
    static Throwable endedDuring(Context ctx, Throwable stageError) {
        if (stageError instanceof ContextException) {
            return stageError;
        }
        ContextException e = ctx.error().orElseThrow().rethrowable();
        if (stageError != null) {
            e.addSuppressed(stageError);
        }
        return e;
    }

    /** Records the execution and tells the listeners. */
    PipelineResult<I, O> finish(I input, O output, Throwable error, List<StageResult> results, long t0,
            Instant start) {
        long nanos = clock.nanoTime() - t0;
        Instant end = start.plusNanos(nanos);
        PipelineResult<I, O> result = new PipelineResult<>(name, input, output, error, results, start, end,
                Duration.ofNanos(nanos));
        recordExecution(nanos, error == null, end);
        inFlight.decrement();
        if (listeners.any()) {
            listeners.pipelineComplete(result);
        }
        return result;
    }

    void recordExecution(long nanos, boolean ok, Instant end) {
        (ok ? successes : failures).increment();
        totalNanos.add(nanos);
        StageNode.raise(maxNanos, nanos);
        lastExecution = end;
    }

    void itemsEntered(long n) {
        inFlight.add(n);
    }

    void itemsLeft(long n) {
        inFlight.add(-n);
    }

    void executionStarted() {
        inFlight.increment();
    }

    @Override
    public StreamingBuilder<I, O> stream() {
        return new StreamingBuilderImpl<>(this);
    }

    @Override
    public StreamingResult run(Context ctx, Iterable<? extends I> source, Consumer<? super O> sink)
            throws InterruptedException {
        return stream().run(ctx, source, sink);
    }

    void register(StreamingRunImpl<I, O> run) {
        runs.add(run);
        if (closed.get()) {
            runs.remove(run);
            throw new ClosedException("pipeline '" + name + "' is closed");
        }
    }

    void unregister(StreamingRunImpl<I, O> run) {
        runs.remove(run);
    }

    @Override
    public PipelineStats stats() {
        long ok = successes.sum();
        long failed = failures.sum();
        long count = ok + failed;
        long total = totalNanos.sum();
        List<StageStats> stages = new ArrayList<>(nodes.length);
        for (StageNode n : nodes) {
            stages.add(n.snapshot());
        }
        return new PipelineStats(name, count, ok, failed, Duration.ofNanos(total),
                Duration.ofNanos(count == 0 ? 0 : total / count), Duration.ofNanos(maxNanos.get()), lastExecution,
                Math.max(0, inFlight.sum()), stages);
    }

    /**
     * Refuses new executions, cancels the streaming runs, gives {@code executeAsync} executions on
     * threads of their own {@link #CLOSE_GRACE} to finish, cancels those still running (their
     * stages are interrupted) and waits {@link #CLOSE_BOUND} more for all those threads; a thread
     * still running then (a stage that ignores interrupts) is named in a WARNING and left to end
     * when its stage returns. Called from one of those threads (a stage, a listener, a sink), it
     * neither waits for nor cancels that thread. An interrupt of the closing thread cuts the waits
     * short (the rest still happens) and is kept. Only the first call does this; later calls
     * return at once.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Thread self = Thread.currentThread();
        List<Thread> threads = new ArrayList<>();
        List<StreamingRunImpl<I, O>> others = new ArrayList<>(); // the runs the closing thread is not part of
        for (StreamingRunImpl<I, O> r : runs) {
            r.cancel();
            threads.addAll(r.threads());
            if (!r.threads().contains(self)) {
                others.add(r);
            }
        }
        entry.release();
        threads.addAll(asyncThreads.keySet());
        threads.remove(self);
        boolean interrupted = !awaitThenJoin(others, threads, System.nanoTime() + CLOSE_GRACE.toNanos());
        asyncThreads.forEach((t, ctx) -> {
            if (t != self) {
                ctx.cancel(new ClosedException("pipeline '" + name + "' was closed; the execution was still running "
                        + CLOSE_GRACE + " later"));
            }
        });
        if (!interrupted) {
            interrupted = !awaitThenJoin(others, threads, System.nanoTime() + CLOSE_BOUND.toNanos());
        }
        threads.removeIf(t -> !t.isAlive());
        if (!threads.isEmpty()) {
            LOG.log(Level.WARNING, "pipeline '" + name + "': close gave up ("
                    + (interrupted ? "the close was interrupted" : "its threads did not stop within "
                            + CLOSE_GRACE.plus(CLOSE_BOUND))
                    + ") on threads still running: " + StuckThreads.describe(threads) + "; their executions were "
                    + "cancelled and they were interrupted; they end when the stage they are in returns, "
                    + "delivering nothing more");
        }
        if (interrupted) {
            self.interrupt();
        }
    }

    /**
     * Waits for the runs to end, then for the threads, until {@code untilNanos}. A run registered
     * just before the close may not have started its threads yet, and a join passes over a thread
     * not started at once: the run's end is what says they have all exited or never will start.
     *
     * @return false if the closing thread was interrupted
     */
    private static boolean awaitThenJoin(List<? extends StreamingRunImpl<?, ?>> runs, List<Thread> threads,
            long untilNanos) {
        for (StreamingRunImpl<?, ?> r : runs) {
            if (!r.awaitEndUntil(untilNanos)) {
                return false;
            }
        }
        return BoundedPark.joinUntil(threads, untilNanos);
    }

    @Override
    public String toString() {
        return "Pipeline[" + name + ", stages=" + stageNames + "]";
    }
}
