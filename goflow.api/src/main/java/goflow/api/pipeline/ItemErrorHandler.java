package goflow.api.pipeline;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Receives the items of a streaming run that failed in a stage; with a handler the run goes on
 * with the next items. Called on the run's output thread, in input order when the run keeps
 * order, never concurrently with itself or the sink.
 *
 * @param <I> the pipeline's input type
 */
@ConsumerType
@FunctionalInterface
public interface ItemErrorHandler<I> {

    /**
     * Handles one failed item.
     *
     * @param item the item as it entered the pipeline
     * @param failure the failed stage's result (stage name, the stage's input, the error)
     * @throws Exception to stop the whole run with this exception as its error
     */
    void onError(I item, StageResult failure) throws Exception;
}
