package goflow.impl.pipeline;

import java.lang.System.Logger.Level;
import java.util.List;

import goflow.api.pipeline.PipelineListener;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pipeline.StageResult;

/**
 * Calls a pipeline's listeners in order, logging and swallowing whatever they throw (checked
 * exceptions included, which Kotlin or {@code @SneakyThrows} code throws undeclared). Immutable and
 * thread-safe.
 */
final class Listeners {
    private static final System.Logger LOG = System.getLogger(Listeners.class.getName());

    private final String pipeline;
    private final PipelineListener[] all;

    Listeners(String pipeline, List<PipelineListener> listeners) {
        this.pipeline = pipeline;
        this.all = listeners.toArray(new PipelineListener[0]);
    }

    boolean any() {
        return all.length > 0;
    }

    void pipelineStart(Object input) {
        for (PipelineListener l : all) {
            try {
                l.onPipelineStart(pipeline, input);
            } catch (Throwable e) {
                failed("onPipelineStart", e);
            }
        }
    }

    void stageStart(String stage, Object input) {
        for (PipelineListener l : all) {
            try {
                l.onStageStart(pipeline, stage, input);
            } catch (Throwable e) {
                failed("onStageStart", e);
            }
        }
    }

    void stageEnd(StageResult result) {
        for (PipelineListener l : all) {
            try {
                l.onStageComplete(pipeline, result);
            } catch (Throwable e) {
                failed("onStageComplete", e);
            }
        }
        if (result.error() != null) {
            for (PipelineListener l : all) {
                try {
                    l.onStageError(pipeline, result);
                } catch (Throwable e) {
                    failed("onStageError", e);
                }
            }
        }
    }

    void pipelineComplete(PipelineResult<?, ?> result) {
        for (PipelineListener l : all) {
            try {
                l.onPipelineComplete(result);
            } catch (Throwable e) {
                failed("onPipelineComplete", e);
            }
        }
    }

    private void failed(String callback, Throwable e) {
        LOG.log(Level.WARNING, "pipeline '" + pipeline + "': listener " + callback + " failed", e);
    }
}
