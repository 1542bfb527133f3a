package goflow.api.pipeline;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * The body of a {@link Stage} that does not need the context: like
 * {@link java.util.function.Function}, but it may throw checked exceptions (stages often do I/O).
 * Lambdas and method references such as {@code String::trim} fit;
 * pass an existing {@code Function f} as {@code f::apply}.
 *
 * <p>Implementations must be safe to call from several threads at once when the pipeline is used
 * concurrently.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
@ConsumerType
@FunctionalInterface
public interface ThrowingFunction<I, O> {

    /**
     * Processes one input.
     *
     * @param input the input, the previous stage's output
     * @return the output, passed to the next stage
     * @throws Exception any failure; it becomes the stage's error
     */
    O apply(I input) throws Exception;
}
