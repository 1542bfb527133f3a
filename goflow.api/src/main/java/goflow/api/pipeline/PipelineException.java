package goflow.api.pipeline;

import java.io.Serial;

import goflow.api.GoFlowException;

/**
 * A pipeline execution failed; thrown by {@link PipelineResult#orElseThrow()}. The cause is the
 * stage's error or the {@link goflow.api.context.ContextException} that ended the execution.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class PipelineException extends GoFlowException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String pipelineName;
    private final String stageName;

    /**
     * Creates the exception.
     *
     * @param pipelineName the pipeline's name
     * @param stageName the failed stage, or {@code null} when the execution stopped between stages
     * @param cause the failure
     */
    public PipelineException(String pipelineName, String stageName, Throwable cause) {
        super("pipeline '" + pipelineName + "' failed"
                + (stageName == null ? "" : " at stage '" + stageName + "'")
                + ": " + (cause == null ? "unknown error" : cause), cause);
        this.pipelineName = pipelineName;
        this.stageName = stageName;
    }

    /**
     * Returns the pipeline's name.
     *
     * @return the name
     */
    public String pipelineName() {
        return pipelineName;
    }

    /**
     * Returns the stage that failed.
     *
     * @return its name, or {@code null} when the execution stopped between stages
     */
    public String stageName() {
        return stageName;
    }
}
