package goflow.api.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one {@link Pipeline#execute execution}: the input, the output or the error, the
 * timing, and one {@link StageResult} per stage that ran, in order.
 *
 * <p>An execution {@linkplain #failed() failed} when any stage failed (also with
 * continue-on-error, where later stages still ran) or when its context ended before it finished.
 * {@link #error()} is then the first failure: a stage's exception, or the
 * {@link goflow.api.context.ContextException} that ended the execution; {@link #errors()} lists
 * every stage failure.
 *
 * <p>Immutable; thread-safe as far as the input and output objects are.
 *
 * @param <I> the pipeline's input type
 * @param <O> the pipeline's output type
 * @param pipelineName the pipeline's name
 * @param input the execution's input
 * @param output the last stage's output when the execution succeeded (the input for a pipeline
 *     without stages), else {@code null}
 * @param error the first failure, or {@code null} when the execution succeeded
 * @param stages one result per stage that ran, in order; stages after a stop get none
 * @param start when the execution started
 * @param end when it ended
 * @param duration {@code end - start}, measured on the pipeline's monotonic clock
 */
public record PipelineResult<I, O>(String pipelineName, I input, O output, Throwable error,
        List<StageResult> stages, Instant start, Instant end, Duration duration) {

    /**
     * Validates the components and copies the stage list.
     *
     * @param pipelineName the pipeline's name
     * @param input the execution's input
     * @param output the output
     * @param error the first failure
     * @param stages one result per stage that ran
     * @param start when the execution started
     * @param end when it ended
     * @param duration how long it took
     */
    public PipelineResult {
        Objects.requireNonNull(pipelineName, "pipelineName");
        stages = List.copyOf(stages);
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        Objects.requireNonNull(duration, "duration");
    }

    /**
     * Returns whether the execution succeeded: every stage ran and none failed.
     *
     * @return {@code error() == null}
     */
    public boolean succeeded() {
        return error == null;
    }

    /**
     * Returns whether the execution failed.
     *
     * @return {@code error() != null}
     */
    public boolean failed() {
        return error != null;
    }

    /**
     * Returns the error of every stage that failed, in stage order (with stop-on-error at most
     * one). A context that ended between stages is not a stage failure: see {@link #error()}.
     *
     * @return the stage errors, possibly empty
     */
    public List<Throwable> errors() {
        List<Throwable> list = new ArrayList<>();
        for (StageResult s : stages) {
            if (s.error() != null) {
                list.add(s.error());
            }
        }
        return List.copyOf(list);
    }

    /**
     * Returns the first stage that failed.
     *
     * @return its result, or empty when no stage failed
     */
    public Optional<StageResult> failedStage() {
        for (StageResult s : stages) {
            if (s.error() != null) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * Returns the output, or throws when the execution failed.
     *
     * @return the output
     * @throws PipelineException naming the pipeline and the failed stage, with {@link #error()} as
     *     its cause
     */
    public O orElseThrow() {
        if (error == null) {
            return output;
        }
        String stage = failedStage().map(StageResult::stageName).orElse(null);
        throw new PipelineException(pipelineName, stage, error);
    }
}
