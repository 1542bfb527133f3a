package goflow.impl.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

import goflow.api.Clock;
import goflow.api.function.ThrowingFunction;
import goflow.api.pipeline.PipelineBuilder;
import goflow.api.pipeline.PipelineListener;
import goflow.api.pipeline.PipelineStart;
import goflow.api.pipeline.Stage;
import goflow.api.pipeline.StageFunction;
import goflow.api.pipeline.StageRegistry;
import goflow.impl.internal.PrimitiveRegistry;

/**
 * The first step of the builder: options go to the underlying {@link PipelineBuilderImpl}, and
 * the first stage fixes the input type. Not thread-safe.
 */
public final class PipelineStartImpl implements PipelineStart {
    private final PipelineBuilderImpl<Object, Object> builder;

    /**
     * Creates a builder.
     *
     * @param registry where the pipeline is listed
     * @param stages the default stage registry for name-based stages
     * @param clock the default clock
     * @param name the pipeline's name, or null to generate one
     */
    public PipelineStartImpl(PrimitiveRegistry registry, StageRegistry stages, Clock clock, String name) {
        this.builder = new PipelineBuilderImpl<>(registry, stages, clock, name);
    }

    @SuppressWarnings("unchecked")
    private <I, O> PipelineBuilder<I, O> typed() {
        return (PipelineBuilder<I, O>) (PipelineBuilder<?, ?>) builder;
    }

    @Override
    public PipelineStart stopOnError(boolean stop) {
        builder.stopOnError(stop);
        return this;
    }

    @Override
    public PipelineStart continueOnError() {
        builder.continueOnError();
        return this;
    }

    @Override
    public PipelineStart timeout(Duration timeout) {
        builder.timeout(timeout);
        return this;
    }

    @Override
    public PipelineStart executor(Executor executor) {
        builder.executor(executor);
        return this;
    }

    @Override
    public PipelineStart listener(PipelineListener listener) {
        builder.listener(listener);
        return this;
    }

    @Override
    public PipelineStart clock(Clock clock) {
        builder.clock(clock);
        return this;
    }

    @Override
    public <I> PipelineBuilder<I, I> input(Class<I> type) {
        return typed();
    }

    @Override
    public <I, R> PipelineBuilder<I, R> stage(String name, ThrowingFunction<I, R> fn) {
        PipelineBuilder<I, I> b = typed();
        return b.stage(name, fn);
    }

    @Override
    public <I, R> PipelineBuilder<I, R> stageWithContext(String name, StageFunction<I, R> fn) {
        PipelineBuilder<I, I> b = typed();
        return b.stageWithContext(name, fn);
    }

    @Override
    public <I, R> PipelineBuilder<I, R> stage(Stage<I, R> stage) {
        PipelineBuilder<I, I> b = typed();
        return b.stage(stage);
    }

    @Override
    public PipelineBuilder<Object, Object> stages(String... names) {
        return builder.stages(names);
    }

    @Override
    public PipelineBuilder<Object, Object> stages(StageRegistry registry, List<String> names) {
        return builder.stages(registry, names);
    }
}
