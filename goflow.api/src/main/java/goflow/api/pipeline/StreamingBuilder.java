package goflow.api.pipeline;

import java.util.Iterator;
import java.util.function.Consumer;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.context.Context;

/**
 * Configures a streaming run of a {@link Pipeline}: items from a source flow through the stages
 * concurrently, each stage with its own worker threads and a bounded buffer in front of it. When
 * a stage is slow its buffer fills, the stage before it blocks, and eventually the source is
 * read no faster than the slow stage: memory stays bounded by the sum of buffer sizes and
 * concurrencies. Outputs reach the sink in input order unless {@link #unordered()} is set.
 *
 * <p>Each run starts its own threads, named {@code goflow-pipeline-<name>-<n>}: one reading the
 * source, the stages' workers, and one calling the sink and the error handler; they all stop
 * when the run ends, fails or is cancelled.
 *
 * <p>Without an {@link #onError error handler}, the first failing item stops the run. Listener
 * stage events are sent for every item. In the pipeline's {@linkplain PipelineStats statistics}
 * an item counts as one execution when it leaves the run: a success once the sink has accepted
 * its output (returned normally), a failure once it is counted in
 * {@link StreamingResult#itemsFailed()}; an item {@linkplain StreamingResult#itemsDropped()
 * dropped} (the run stopped before the sink accepted it, or the sink threw) is no execution, so
 * each run adds {@code itemsOut} successes and {@code itemsFailed} failures. The pipeline's
 * executor is not used: a streaming run uses its own threads. Stages get the run's context (done
 * when the run is cancelled or stopped), or, when the pipeline has a
 * {@linkplain PipelineOptions#timeout timeout}, a child of it per item that also ends when the
 * item's time is up.
 *
 * <p><b>Timeout.</b> An item's time runs from when it is taken from the source, waits in buffers
 * included (the same span the statistics record as its execution). When it is up, the stage in
 * flight sees its context end with a {@link goflow.api.context.DeadlineExceededException} and its
 * thread is interrupted (that interrupt is cleared when the stage returns); the item fails at that
 * stage with the {@code DeadlineExceededException}, whatever the stage returned. An item whose time
 * ran out while it waited fails at the next stage, which does not run for it (its
 * {@link StageResult} has a zero duration and no listener event). A timed-out item fails like any
 * other failing item: the error handler gets it, or without one it stops the run.
 *
 * <p>Each option may be set once; invalid values are rejected at once. Not thread-safe.
 *
 * @param <I> the pipeline's input type
 * @param <O> the pipeline's output type
 */
@ProviderType
public interface StreamingBuilder<I, O> {

    /** The default buffer size in front of each stage. */
    int DEFAULT_BUFFER = 16;

    /**
     * Sets the number of workers of every stage not given its own. Default 1.
     *
     * @param workers at least 1, at most
     *     {@link goflow.api.pool.WorkerPoolBuilder#DEFAULT_MAX_WORKERS} (a run starts a thread for
     *     each when it starts)
     * @return this builder
     */
    StreamingBuilder<I, O> concurrency(int workers);

    /**
     * Sets the number of workers of one stage.
     *
     * @param stage the stage's name
     * @param workers at least 1, at most
     *     {@link goflow.api.pool.WorkerPoolBuilder#DEFAULT_MAX_WORKERS} (a run starts a thread for
     *     each when it starts)
     * @return this builder
     * @throws goflow.api.InvalidConfigException if the pipeline has no such stage
     */
    StreamingBuilder<I, O> concurrency(String stage, int workers);

    /**
     * Sets the buffer size in front of every stage not given its own. Default
     * {@value #DEFAULT_BUFFER}.
     *
     * @param capacity at least 1
     * @return this builder
     */
    StreamingBuilder<I, O> buffer(int capacity);

    /**
     * Sets the buffer size in front of one stage.
     *
     * @param stage the stage's name
     * @param capacity at least 1
     * @return this builder
     * @throws goflow.api.InvalidConfigException if the pipeline has no such stage
     */
    StreamingBuilder<I, O> buffer(String stage, int capacity);

    /**
     * Delivers outputs as soon as they are ready instead of in input order.
     *
     * @return this builder
     */
    StreamingBuilder<I, O> unordered();

    /**
     * Routes failed items to {@code handler} and goes on with the next items.
     *
     * @param handler the error handler
     * @return this builder
     */
    StreamingBuilder<I, O> onError(ItemErrorHandler<? super I> handler);

    /**
     * Starts the run and returns at once.
     *
     * @param ctx the run's context; cancelling it cancels the run
     * @param source the items; read on the run's source thread
     * @param sink receives each output on the run's output thread
     * @return the run
     * @throws goflow.api.ClosedException if the pipeline is closed
     */
    StreamingRun start(Context ctx, Iterator<? extends I> source, Consumer<? super O> sink);

    /**
     * Starts the run over an {@link Iterable} and returns at once.
     *
     * @param ctx the run's context; cancelling it cancels the run
     * @param source the items; iterated on the run's source thread
     * @param sink receives each output on the run's output thread
     * @return the run
     * @throws goflow.api.ClosedException if the pipeline is closed
     */
    StreamingRun start(Context ctx, Iterable<? extends I> source, Consumer<? super O> sink);

    /**
     * Runs and waits for the end.
     *
     * @param ctx the run's context; cancelling it cancels the run
     * @param source the items
     * @param sink receives each output on the run's output thread
     * @return the result
     * @throws InterruptedException if the calling thread is interrupted while waiting; the run is
     *     then cancelled
     * @throws goflow.api.ClosedException if the pipeline is closed
     */
    StreamingResult run(Context ctx, Iterable<? extends I> source, Consumer<? super O> sink)
            throws InterruptedException;
}
