package goflow.api.pipeline;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Observes executions of a pipeline. Every method has an empty default: implement those you need.
 *
 * <p><b>Order.</b> For one execution with stages {@code a} and {@code b}, where {@code b} fails:
 * {@code onPipelineStart}, {@code onStageStart(a)}, {@code onStageComplete(a)},
 * {@code onStageStart(b)}, {@code onStageComplete(b)}, {@code onStageError(b)},
 * {@code onPipelineComplete}. Statistics already include a stage when its
 * {@code onStageComplete} runs, and the execution when {@code onPipelineComplete} runs.
 * In streaming mode only the stage events are sent, once per item and stage.
 *
 * <p><b>Threads.</b> Callbacks run synchronously on the thread that executes the pipeline or the
 * stage (the caller, an executor thread, or a streaming worker; when a timeout or cancellation gives
 * up a stage running on an executor, the thread that ended the context), so they must be quick and
 * thread-safe: executions run concurrently. Within one execution they are never concurrent and
 * each happens-before the next. An exception thrown by a callback is logged and otherwise ignored.
 */
@ConsumerType
public interface PipelineListener {

    /**
     * An execution starts.
     *
     * @param pipeline the pipeline's name
     * @param input the execution's input
     */
    default void onPipelineStart(String pipeline, Object input) {
    }

    /**
     * A stage is about to run.
     *
     * @param pipeline the pipeline's name
     * @param stage the stage's name
     * @param input the stage's input
     */
    default void onStageStart(String pipeline, String stage, Object input) {
    }

    /**
     * A stage ended, successfully or not.
     *
     * @param pipeline the pipeline's name
     * @param result what the stage did
     */
    default void onStageComplete(String pipeline, StageResult result) {
    }

    /**
     * A stage failed; called after {@link #onStageComplete} for the same stage.
     *
     * @param pipeline the pipeline's name
     * @param result what the stage did; its {@code error()} is not null
     */
    default void onStageError(String pipeline, StageResult result) {
    }

    /**
     * An execution ended.
     *
     * @param result its result
     */
    default void onPipelineComplete(PipelineResult<?, ?> result) {
    }
}
