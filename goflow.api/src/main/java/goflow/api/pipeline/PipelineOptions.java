package goflow.api.pipeline;

import java.time.Duration;
import java.util.concurrent.Executor;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.Clock;

/**
 * The options every pipeline builder shares. Each option may be set once; invalid values are
 * rejected at once with an {@link goflow.api.InvalidConfigException} naming the field.
 *
 * <p>Builders are not thread-safe: build a pipeline on one thread.
 *
 * @param <B> the builder type returned by each option
 */
@ProviderType
public interface PipelineOptions<B extends PipelineOptions<B>> {

    /**
     * Sets whether an execution stops at the first failing stage (the default, {@code true}) or
     * runs the remaining stages; see {@link #continueOnError()}.
     *
     * @param stop {@code true} to stop at the first error
     * @return this builder
     */
    B stopOnError(boolean stop);

    /**
     * Runs the remaining stages after a stage fails: the next stage receives the last successful
     * value (the failed stage's input), so this suits stages that keep the type (T to T) and
     * pipelines composed by names. Every stage error is in the result, and the execution counts
     * as failed. Same as {@code stopOnError(false)}.
     *
     * @return this builder
     */
    B continueOnError();

    /**
     * Sets a timeout per execution: when it passes, the context of the stage in flight is
     * cancelled with a {@link goflow.api.context.DeadlineExceededException}, and the execution
     * ends with that error; the thread running the stage is also interrupted (and that interrupt
     * is cleared when the stage returns, so it never reaches the caller or the executor's next
     * task; a thread interrupted already keeps that interrupt). With an
     * {@link #executor(Executor)} the execution returns at the deadline; without one the stage runs on the caller's thread and the execution ends when the stage returns, so
     * stages should honour their context or interruption. A stage call that returns after the
     * deadline fails with the {@code DeadlineExceededException} whatever it returned (an
     * exception it threw is attached as suppressed): a timed-out execution is never a success,
     * whichever stage overran. In streaming mode the timeout applies to each item, from when it is
     * taken from the source; see {@link StreamingBuilder}. Default: none.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    B timeout(Duration timeout);

    /**
     * Runs each stage of an execution as a task on {@code executor} (for example a goflow
     * {@code WorkerPool}); stages of one execution still run one after the other. Without it,
     * {@link Pipeline#execute} runs the stages on the calling thread. A goflow {@code WorkerPool}
     * whose queue is full when a stage ends runs the next stage at once on the worker that ran the
     * previous one (a worker waiting for room in its own pool could deadlock it). A task the
     * executor rejects (throws from {@code execute}) fails its stage; an executor that silently
     * discards tasks leaves the execution waiting until its context ends, so give such pipelines a
     * timeout.
     *
     * @param executor the executor
     * @return this builder
     */
    B executor(Executor executor);

    /**
     * Adds a listener; listeners are called in the order they were added.
     *
     * @param listener the listener
     * @return this builder
     */
    B listener(PipelineListener listener);

    /**
     * Sets the clock used for durations and timestamps. Default: the {@code GoFlow}'s clock.
     *
     * @param clock the clock
     * @return this builder
     */
    B clock(Clock clock);
}
