package goflow.api.pipeline;

import java.util.Objects;

import org.osgi.annotation.versioning.ConsumerType;

import goflow.api.context.Context;
import goflow.api.function.ThrowingFunction;

/**
 * One named step of a {@link Pipeline}: a function from input to output that receives the
 * execution's {@link Context}. This is the plugin contract: a bundle contributes a stage by
 * registering a {@code Stage} service with the service property {@link #NAME_PROPERTY}; in code,
 * {@link #of(String, StageFunction)} and {@link #of(String, ThrowingFunction)} make one from a lambda.
 *
 * <p>A stage must not keep per-execution state in fields: one stage instance serves every
 * execution of every pipeline that uses it, and in streaming mode it may be called from several
 * threads at once. Implementations must therefore be thread-safe.
 *
 * <p>A stage should return promptly once {@code ctx} is done (a pipeline timeout or a cancelled
 * run): check {@link Context#isDone()} in long loops and pass {@code ctx} to blocking goflow
 * calls. Any {@link Exception} or {@link Error} it throws becomes the stage's error in the
 * {@link StageResult}; it never escapes the pipeline.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
@ConsumerType
public interface Stage<I, O> {

    /**
     * The service property under which a stage service publishes its name (a {@code String}):
     * pipelines configured by stage names look stages up by it. Stage services without it are
     * ignored.
     */
    String NAME_PROPERTY = "goflow.stage.name";

    /**
     * Returns the stage's name: unique within a pipeline, shown in results, statistics and the
     * shell.
     *
     * @return the name, never empty
     */
    String name();

    /**
     * Processes one input.
     *
     * @param ctx the execution's context; done when the execution times out or is cancelled
     * @param input the input: the pipeline's input for the first stage, else the previous output
     * @return the output, passed to the next stage
     * @throws Exception any failure; it becomes the stage's error
     */
    O process(Context ctx, I input) throws Exception;

    /**
     * Makes a stage from a context-aware function.
     *
     * @param <I> the input type
     * @param <O> the output type
     * @param name the stage's name
     * @param fn the body
     * @return a new stage
     * @throws NullPointerException if an argument is null
     */
    static <I, O> Stage<I, O> of(String name, StageFunction<I, O> fn) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(fn, "fn");
        return new Stage<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public O process(Context ctx, I input) throws Exception {
                return fn.apply(ctx, input);
            }

            @Override
            public String toString() {
                return "Stage[" + name + "]";
            }
        };
    }

    /**
     * Makes a stage from a plain function that does not need the context.
     *
     * @param <I> the input type
     * @param <O> the output type
     * @param name the stage's name
     * @param fn the body
     * @return a new stage
     * @throws NullPointerException if an argument is null
     */
    static <I, O> Stage<I, O> of(String name, ThrowingFunction<I, O> fn) {
        Objects.requireNonNull(fn, "fn");
        return of(name, (StageFunction<I, O>) (ctx, input) -> fn.apply(input));
    }
}
