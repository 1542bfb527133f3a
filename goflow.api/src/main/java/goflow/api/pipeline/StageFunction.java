package goflow.api.pipeline;

import org.osgi.annotation.versioning.ConsumerType;

import goflow.api.context.Context;

/**
 * The body of a {@link Stage} given as a lambda: turns one input into one output, with the
 * {@link Context} of the execution (check it, or pass it to blocking calls, so that a timeout or a
 * cancellation stops the work).
 *
 * <p>Implementations must be safe to call from several threads at once when the pipeline is used
 * concurrently.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
@ConsumerType
@FunctionalInterface
public interface StageFunction<I, O> {

    /**
     * Processes one input.
     *
     * @param ctx the execution's context; done when the execution times out or is cancelled
     * @param input the input, the previous stage's output
     * @return the output, passed to the next stage
     * @throws Exception any failure; it becomes the stage's error
     */
    O apply(Context ctx, I input) throws Exception;
}
