package goflow.impl.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

import goflow.api.Clock;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.function.ThrowingFunction;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineBuilder;
import goflow.api.pipeline.PipelineListener;
import goflow.api.pipeline.Stage;
import goflow.api.pipeline.StageFunction;
import goflow.api.pipeline.StageNotFoundException;
import goflow.api.pipeline.StageRegistry;
import goflow.impl.internal.Check;
import goflow.impl.internal.PrimitiveRegistry;

/**
 * The pipeline builder. Each stage call returns {@code this} with a new output type (the stage
 * list is checked for type only at compile time, through the generic signatures). Not
 * thread-safe, like every builder.
 *
 * @param <I> the input type
 * @param <O> the current output type
 */
final class PipelineBuilderImpl<I, O> implements PipelineBuilder<I, O> {
    static final String COMPONENT = Primitive.Kind.PIPELINE.label();

    private final PrimitiveRegistry registry;
    private final StageRegistry stageRegistry;
    private final Clock defaultClock;
    private final String name;
    private final List<StageNode> stages = new ArrayList<>();
    private final List<PipelineListener> listeners = new ArrayList<>();
    private Boolean stopOnError;
    private Duration timeout;
    private Executor executor;
    private Clock clock;
    private boolean built;

    PipelineBuilderImpl(PrimitiveRegistry registry, StageRegistry stageRegistry, Clock defaultClock, String name) {
        this.registry = registry;
        this.stageRegistry = stageRegistry;
        this.defaultClock = defaultClock;
        this.name = name == null ? null : Check.name(COMPONENT, name);
    }

    @Override
    public PipelineBuilder<I, O> stopOnError(boolean stop) {
        Check.setOnce(COMPONENT, "stopOnError", stopOnError != null, stop);
        stopOnError = stop;
        return this;
    }

    @Override
    public PipelineBuilder<I, O> continueOnError() {
        return stopOnError(false);
    }

    @Override
    public PipelineBuilder<I, O> timeout(Duration value) {
        Check.setOnce(COMPONENT, "timeout", timeout != null, value);
        timeout = Check.positive(COMPONENT, "timeout", value, "the longest one execution may take");
        return this;
    }

    @Override
    public PipelineBuilder<I, O> executor(Executor value) {
        Check.setOnce(COMPONENT, "executor", executor != null, value);
        executor = Check.notNull(COMPONENT, "executor", value);
        return this;
    }

    @Override
    public PipelineBuilder<I, O> listener(PipelineListener listener) {
        listeners.add(Check.notNull(COMPONENT, "listener", listener));
        return this;
    }

    @Override
    public PipelineBuilder<I, O> clock(Clock value) {
        Check.setOnce(COMPONENT, "clock", clock != null, value);
        clock = Check.notNull(COMPONENT, "clock", value);
        return this;
    }

    @Override
    public <R> PipelineBuilder<I, R> stage(String stageName, ThrowingFunction<? super O, ? extends R> fn) {
        Check.notNull(COMPONENT, "name", stageName); // before Stage.of, which would throw a bare NullPointerException
        Check.notNull(COMPONENT, "fn", fn);
        return add(stageName, Stage.of(stageName, (StageFunction<O, R>) (ctx, in) -> fn.apply(in)));
    }

    @Override
    public <R> PipelineBuilder<I, R> stageWithContext(String stageName, StageFunction<? super O, ? extends R> fn) {
        Check.notNull(COMPONENT, "name", stageName);
        Check.notNull(COMPONENT, "fn", fn);
        return add(stageName, Stage.of(stageName, (StageFunction<O, R>) fn::apply));
    }

    @Override
    public <R> PipelineBuilder<I, R> stage(Stage<? super O, ? extends R> stage) {
        Check.notNull(COMPONENT, "stage", stage);
        return add(stage.name(), stage);
    }

    @Override
    public PipelineBuilder<I, Object> stages(String... names) {
        Check.notNull(COMPONENT, "names", names);
        // Arrays.asList, not List.of: a null name is refused below naming the field, not with a bare NPE
        return stages(stageRegistry, Arrays.asList(names));
    }

    @Override
    public PipelineBuilder<I, Object> stages(StageRegistry from, List<String> names) {
        Check.notNull(COMPONENT, "registry", from);
        Check.notNull(COMPONENT, "names", names);
        List<Stage<?, ?>> found = new ArrayList<>();
        for (String n : names) {
            Check.notNull(COMPONENT, "stage name", n);
            Stage<?, ?> s = from.find(n).orElseThrow(
                    () -> new StageNotFoundException(name == null ? COMPONENT : COMPONENT + " '" + name + "'", n,
                            from.names()));
            found.add(s);
        }
        PipelineBuilder<I, Object> b = null;
        int before = stages.size();
        try {
            for (int i = 0; i < found.size(); i++) {
                b = add(names.get(i), found.get(i));
            }
        } catch (RuntimeException e) {
            // all or nothing: a refused name (a duplicate, say) leaves none of the list's stages
            stages.subList(before, stages.size()).clear();
            throw e;
        }
        return b != null ? b : cast();
    }

    @SuppressWarnings("unchecked")
    private <R> PipelineBuilder<I, R> cast() {
        return (PipelineBuilder<I, R>) (PipelineBuilder<?, ?>) this;
    }

    private <R> PipelineBuilder<I, R> add(String stageName, Stage<?, ?> stage) {
        checkNotBuilt();
        Check.name(COMPONENT, stageName);
        for (StageNode s : stages) {
            if (s.name.equals(stageName)) {
                throw new InvalidConfigException(COMPONENT, "stage", stageName, "must be unique within the pipeline",
                        "give each stage its own name: statistics and results are reported per name");
            }
        }
        stages.add(new StageNode(stageName, stage));
        return cast();
    }

    private void checkNotBuilt() {
        if (built) {
            throw new IllegalStateException("this pipeline builder has already built its pipeline");
        }
    }

    @Override
    public Pipeline<I, O> build() {
        checkNotBuilt();
        PrimitiveRegistry.Entry entry = registry.reserve(Primitive.Kind.PIPELINE, name);
        try {
            PipelineImpl<I, O> p = new PipelineImpl<>(entry, List.copyOf(stages),
                    stopOnError == null || stopOnError, timeout, executor, List.copyOf(listeners),
                    clock == null ? defaultClock : clock);
            Pipeline<I, O> pipeline = entry.activate(p);
            // only now: a build refused (the name taken, the GoFlow closed) built nothing, and the
            // builder may try again rather than claim it has built its pipeline
            built = true;
            return pipeline;
        } catch (RuntimeException | Error e) {
            entry.release();
            throw e;
        }
    }

    @Override
    public String toString() {
        return "PipelineBuilder[" + Objects.requireNonNullElse(name, "(generated)") + ", stages=" + stages.size()
                + "]";
    }
}
