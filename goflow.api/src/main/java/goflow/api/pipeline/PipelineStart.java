package goflow.api.pipeline;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

import goflow.api.function.ThrowingFunction;

/**
 * The first step of building a pipeline, from {@code GoFlow.pipeline()}: set options, then add the
 * first stage, which fixes the input type, or declare the input type with {@link #input(Class)}.
 *
 * <pre>{@code
 * Pipeline<String, Integer> p = goflow.pipeline("words")
 *         .stage("trim", String::trim)
 *         .stage("len", s -> s.length())
 *         .build();
 * }</pre>
 *
 * <p>Not thread-safe: build a pipeline on one thread.
 */
@ProviderType
public interface PipelineStart extends PipelineOptions<PipelineStart> {

    /**
     * Declares the input type without adding a stage (a pipeline without stages returns its
     * input).
     *
     * @param <I> the input type
     * @param type the input type's class, only for inference
     * @return the typed builder
     */
    <I> PipelineBuilder<I, I> input(Class<I> type);

    /**
     * Adds the first stage as a plain function.
     *
     * @param <I> the pipeline's input type
     * @param <R> the stage's output type
     * @param name the stage's name, unique within the pipeline
     * @param fn the body
     * @return the typed builder
     */
    <I, R> PipelineBuilder<I, R> stage(String name, ThrowingFunction<I, R> fn);

    /**
     * Adds the first stage as a context-aware function. (Its own name keeps method references such as
     * {@code Integer::parseInt} unambiguous for {@code stage(String, ThrowingFunction)}.)
     *
     * @param <I> the pipeline's input type
     * @param <R> the stage's output type
     * @param name the stage's name, unique within the pipeline
     * @param fn the body
     * @return the typed builder
     */
    <I, R> PipelineBuilder<I, R> stageWithContext(String name, StageFunction<I, R> fn);

    /**
     * Adds the first stage.
     *
     * @param <I> the pipeline's input type
     * @param <R> the stage's output type
     * @param stage the stage
     * @return the typed builder
     */
    <I, R> PipelineBuilder<I, R> stage(Stage<I, R> stage);

    /**
     * Adds stages by name, looked up in the {@code GoFlow}'s {@link StageRegistry}; the pipeline
     * is untyped.
     *
     * @param names the stage names, in order
     * @return the untyped builder
     * @throws StageNotFoundException naming the first stage that is not registered
     */
    PipelineBuilder<Object, Object> stages(String... names);

    /**
     * Adds stages by name, looked up in {@code registry}; the pipeline is untyped.
     *
     * @param registry where to look the stages up
     * @param names the stage names, in order
     * @return the untyped builder
     * @throws StageNotFoundException naming the first stage that is not registered
     */
    PipelineBuilder<Object, Object> stages(StageRegistry registry, List<String> names);
}
