package goflow.impl.pipeline;

import java.lang.System.Logger.Level;
import java.util.List;

import goflow.api.pipeline.PipelineListener;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pipeline.StageResult;

/**
 * Calls a pipeline's listeners in order, logging and swallowing what they throw. Immutable and
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
            } catch (RuntimeException | Error e) {
                failed("onPipelineStart", e);
            }
        }
    }

    void stageStart(String stage, Object input) {
        for (PipelineListener l : all) {
            try {
                l.onStageStart(pipeline, stage, input);
            } catch (RuntimeException | Error e) {
                failed("onStageStart", e);
            }
        }
    }

    void stageEnd(StageResult result) {
        for (PipelineListener l : all) {
            try {
                l.onStageComplete(pipeline, result);
            } catch (RuntimeException | Error e) {
                failed("onStageComplete", e);
            }
        }
        if (result.error() != null) {
            for (PipelineListener l : all) {
                try {
                    l.onStageError(pipeline, result);
                } catch (RuntimeException | Error e) {
                    failed("onStageError", e);
                }
            }
        }
    }

    void pipelineComplete(PipelineResult<?, ?> result) {
        for (PipelineListener l : all) {
            try {
                l.onPipelineComplete(result);
            } catch (RuntimeException | Error e) {
                failed("onPipelineComplete", e);
            }
        }
    }

    private void failed(String callback, Throwable e) {
        LOG.log(Level.WARNING, "pipeline '" + pipeline + "': listener " + callback + " failed", e);
    }
}
