package goflow.api.pipeline;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.function.ThrowingFunction;

/**
 * Builds a typed pipeline: each added stage changes the output type. The structure is fixed by
 * {@link #build()}; the pipeline cannot be changed afterwards.
 *
 * <p>Not thread-safe: build a pipeline on one thread.
 *
 * @param <I> the pipeline's input type
 * @param <O> the output type of the stages added so far
 */
@ProviderType
public interface PipelineBuilder<I, O> extends PipelineOptions<PipelineBuilder<I, O>> {

    /**
     * Adds a stage given as a plain function.
     *
     * @param <R> the stage's output type
     * @param name the stage's name, unique within the pipeline
     * @param fn the body
     * @return this builder, with the new output type
     */
    <R> PipelineBuilder<I, R> stage(String name, ThrowingFunction<? super O, ? extends R> fn);

    /**
     * Adds a stage given as a context-aware function. (Its own name keeps method references such as
     * {@code Integer::parseInt} unambiguous for {@code stage(String, ThrowingFunction)}.)
     *
     * @param <R> the stage's output type
     * @param name the stage's name, unique within the pipeline
     * @param fn the body
     * @return this builder, with the new output type
     */
    <R> PipelineBuilder<I, R> stageWithContext(String name, StageFunction<? super O, ? extends R> fn);

    /**
     * Adds a stage.
     *
     * @param <R> the stage's output type
     * @param stage the stage
     * @return this builder, with the new output type
     */
    <R> PipelineBuilder<I, R> stage(Stage<? super O, ? extends R> stage);

    /**
     * Adds stages by name, looked up in the {@code GoFlow}'s {@link StageRegistry}; the output
     * becomes untyped.
     *
     * @param names the stage names, in order
     * @return this builder
     * @throws StageNotFoundException naming the first stage that is not registered
     */
    PipelineBuilder<I, Object> stages(String... names);

    /**
     * Adds stages by name, looked up in {@code registry}; the output becomes untyped.
     *
     * @param registry where to look the stages up
     * @param names the stage names, in order
     * @return this builder
     * @throws StageNotFoundException naming the first stage that is not registered
     */
    PipelineBuilder<I, Object> stages(StageRegistry registry, List<String> names);

    /**
     * Builds the pipeline and lists it in the {@code GoFlow}'s registry.
     *
     * @return the pipeline
     * @throws goflow.api.InvalidConfigException if two stages have the same name or the
     *     pipeline's name is taken
     * @throws goflow.api.ClosedException if the {@code GoFlow} is closed
     * @throws IllegalStateException if this builder has built its pipeline before (a pipeline
     *     builder builds one pipeline; a build that was refused built nothing and may be retried)
     */
    Pipeline<I, O> build();
}
