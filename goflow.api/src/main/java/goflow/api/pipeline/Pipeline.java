package goflow.api.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.Primitive;
import goflow.api.context.Context;

/**
 * A fixed sequence of named stages. {@link #execute} passes one input through the stages one
 * after the other; {@link #stream()} pushes many items through them concurrently. Its structure
 * (stages, options, listeners) is immutable once built.
 *
 * <p><b>Errors.</b> A stage's exception or error never escapes: it is recorded in the
 * {@link StageResult} and makes the execution fail. By default the execution stops at the first
 * failing stage; with continue-on-error the remaining stages run, and every error is in the
 * result. An execution whose timeout passes or whose context is cancelled fails with the
 * {@link goflow.api.context.ContextException}; stages not yet started do not run.
 *
 * <p>Thread-safe: any number of executions and streaming runs may go on at once. Everything the
 * caller did before {@code execute} happens-before the first stage runs, and each stage's actions
 * happen-before the next stage and the return of the result.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
@ProviderType
public interface Pipeline<I, O> extends Primitive {

    /**
     * Returns the names of the stages, in order.
     *
     * @return an unmodifiable list
     */
    List<String> stageNames();

    /**
     * Returns whether an execution stops at the first failing stage.
     *
     * @return {@code true} by default; {@code false} with continue-on-error
     */
    boolean stopOnError();

    /**
     * Returns the timeout per execution.
     *
     * @return the timeout, or empty when there is none
     */
    Optional<Duration> timeout();

    /**
     * Passes {@code input} through the stages and returns what happened. Runs the stages on the
     * calling thread, or on the configured executor while the caller waits. Never throws for a
     * stage failure, a timeout or a cancellation: see {@link PipelineResult#error()}. If the
     * calling thread is interrupted while it waits for an executor, the execution is cancelled: it
     * fails with a {@link goflow.api.context.CancelledException} whose cause is the
     * {@link InterruptedException}, and the thread's interrupt flag is set again. Without an
     * executor, a stage that throws {@link InterruptedException} ends the execution (whatever
     * the error mode) and the flag is set again.
     *
     * @param ctx the execution's context; cancel it to stop the execution
     * @param input the input
     * @return the result, never {@code null}
     * @throws goflow.api.ClosedException if the pipeline is closed
     */
    PipelineResult<I, O> execute(Context ctx, I input);

    /**
     * Same as {@code execute(Context.background(), input)}.
     *
     * @param input the input
     * @return the result, never {@code null}
     * @throws goflow.api.ClosedException if the pipeline is closed
     */
    PipelineResult<I, O> execute(I input);

    /**
     * Starts an execution without waiting for it. With an executor every stage runs there and no
     * thread waits; without one, the execution runs on a new thread named
     * {@code goflow-pipeline-<name>-<n>}. The future always completes normally with the result;
     * cancelling the future cancels the execution's context and interrupts the thread running
     * its stage. The future completes on the thread that ends the execution: the one that ran the
     * last stage, or, when the execution's context ends first, the thread that ended it (the one
     * that cancelled it, or goflow's timer thread at a timeout; that is how a timeout returns on
     * time even if a stage ignores it). Listeners and callbacks chained with the non-{@code Async}
     * methods ({@code thenApply}, ...) may therefore run on the timer thread: keep them short, or
     * chain with the {@code Async} methods, as with {@link CompletableFuture#orTimeout}.
     *
     * @param ctx the execution's context; cancel it to stop the execution
     * @param input the input
     * @return the future result
     * @throws goflow.api.ClosedException if the pipeline is closed
     */
    CompletableFuture<PipelineResult<I, O>> executeAsync(Context ctx, I input);

    /**
     * Returns a builder for a streaming run: many items through the stages concurrently, with
     * per-stage concurrency and bounded buffers.
     *
     * @return a new streaming builder
     */
    StreamingBuilder<I, O> stream();

    /**
     * Streams every item of {@code source} through the stages with the default streaming options
     * (one worker and a buffer of {@value StreamingBuilder#DEFAULT_BUFFER} per stage, input order
     * kept, first failure stops the run) and waits for the end.
     *
     * @param ctx the run's context; cancel it to stop the run
     * @param source the items
     * @param sink receives each output, in input order, on one thread at a time
     * @return the run's outcome
     * @throws InterruptedException if the calling thread is interrupted while waiting; the run
     *     is then cancelled
     * @throws goflow.api.ClosedException if the pipeline is closed
     */
    StreamingResult run(Context ctx, Iterable<? extends I> source, Consumer<? super O> sink)
            throws InterruptedException;

    /**
     * Returns the statistics now: per pipeline and per stage.
     *
     * @return a snapshot
     */
    @Override
    PipelineStats stats();

    /**
     * Closes the pipeline: new executions and runs are refused with
     * {@link goflow.api.ClosedException}, running streaming runs are cancelled, and the threads
     * this pipeline started are stopped and waited for, within a bound. Executions in progress on
     * the caller's thread ({@code execute} without an executor) or on the executor finish.
     * {@code executeAsync} executions on threads of their own (no executor) get up to 2 seconds to
     * finish; those still running then are cancelled (their result fails with a
     * {@link goflow.api.context.CancelledException}, and the stage's thread is interrupted). A
     * thread still running 1 second later (a stage that ignores interrupts) is given up on: a
     * WARNING names it and the frame it is stuck in, and it ends when its stage returns. Called
     * from one of those threads (a stage or listener of an {@code executeAsync} execution, a
     * stage, sink or error handler of a streaming run), it neither cancels nor waits for that
     * thread. An interrupt of the closing thread cuts the waits short and is kept. Idempotent: a
     * later call returns at once.
     */
    @Override
    void close();
}
