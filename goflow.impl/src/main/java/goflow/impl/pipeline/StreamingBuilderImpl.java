package goflow.impl.pipeline;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.Consumer;

import goflow.api.InvalidConfigException;
import goflow.api.context.Context;
import goflow.api.pipeline.ItemErrorHandler;
import goflow.api.pipeline.StreamingBuilder;
import goflow.api.pipeline.StreamingResult;
import goflow.api.pipeline.StreamingRun;
import goflow.api.pool.WorkerPoolBuilder;
import goflow.impl.internal.Check;

/**
 * Collects the options of a streaming run. Not thread-safe, like every builder.
 *
 * @param <I> the input type
 * @param <O> the output type
 */
final class StreamingBuilderImpl<I, O> implements StreamingBuilder<I, O> {
    private static final String COMPONENT = "pipeline-stream";

    private final PipelineImpl<I, O> pipeline;
    private Integer workers;
    private Integer buffer;
    private final Map<String, Integer> stageWorkers = new HashMap<>();
    private final Map<String, Integer> stageBuffers = new HashMap<>();
    private boolean unordered;
    private ItemErrorHandler<? super I> handler;

    StreamingBuilderImpl(PipelineImpl<I, O> pipeline) {
        this.pipeline = pipeline;
    }

    @Override
    public StreamingBuilder<I, O> concurrency(int value) {
        Check.setOnce(COMPONENT, "concurrency", workers != null, value);
        workers = checkWorkers("concurrency", value, "the number of workers per stage");
        return this;
    }

    @Override
    public StreamingBuilder<I, O> concurrency(String stage, int value) {
        String field = "concurrency[" + checkStage(stage) + "]";
        Check.setOnce(COMPONENT, field, stageWorkers.containsKey(stage), value);
        stageWorkers.put(stage, checkWorkers(field, value, "the number of workers of this stage"));
        return this;
    }

    /**
     * A stage's workers: at least 1 and at most {@link WorkerPoolBuilder#DEFAULT_MAX_WORKERS}, since
     * a run starts every stage's threads when it starts (Integer.MAX_VALUE failed with an
     * OutOfMemoryError making the threads, not with an error naming the field).
     */
    private static int checkWorkers(String field, int value, String hint) {
        Check.positive(COMPONENT, field, value, hint);
        if (value > WorkerPoolBuilder.DEFAULT_MAX_WORKERS) {
            throw new InvalidConfigException(COMPONENT, field, value,
                    "must be at most " + WorkerPoolBuilder.DEFAULT_MAX_WORKERS,
                    hint + "; a run starts a thread for each when it starts");
        }
        return value;
    }

    @Override
    public StreamingBuilder<I, O> buffer(int capacity) {
        Check.setOnce(COMPONENT, "buffer", buffer != null, capacity);
        buffer = (int) Check.positive(COMPONENT, "buffer", capacity, "items waiting in front of each stage");
        return this;
    }

    @Override
    public StreamingBuilder<I, O> buffer(String stage, int capacity) {
        String field = "buffer[" + checkStage(stage) + "]";
        Check.setOnce(COMPONENT, field, stageBuffers.containsKey(stage), capacity);
        stageBuffers.put(stage, (int) Check.positive(COMPONENT, field, capacity, "items waiting in front of this stage"));
        return this;
    }

    private String checkStage(String stage) {
        Check.notNull(COMPONENT, "stage", stage);
        if (!pipeline.stageNames().contains(stage)) {
            throw new InvalidConfigException(COMPONENT, "stage", stage, "is not a stage of pipeline '"
                    + pipeline.name + "'", "its stages are " + pipeline.stageNames());
        }
        return stage;
    }

    @Override
    public StreamingBuilder<I, O> unordered() {
        Check.setOnce(COMPONENT, "unordered", unordered, true);
        unordered = true;
        return this;
    }

    @Override
    public StreamingBuilder<I, O> onError(ItemErrorHandler<? super I> value) {
        Check.setOnce(COMPONENT, "onError", handler != null, value);
        handler = Check.notNull(COMPONENT, "onError", value);
        return this;
    }

    @Override
    public StreamingRun start(Context ctx, Iterator<? extends I> source, Consumer<? super O> sink) {
        Check.notNull(COMPONENT, "source", source);
        return begin(ctx, once(source), sink);
    }

    @Override
    public StreamingRun start(Context ctx, Iterable<? extends I> source, Consumer<? super O> sink) {
        Check.notNull(COMPONENT, "source", source);
        return begin(ctx, source, sink);
    }

    private static <T> Iterable<T> once(Iterator<T> it) {
        return () -> it;
    }

    private StreamingRun begin(Context ctx, Iterable<? extends I> source, Consumer<? super O> sink) {
        Check.notNull(COMPONENT, "ctx", ctx);
        Check.notNull(COMPONENT, "sink", sink);
        pipeline.checkOpen();
        int n = pipeline.nodes.length;
        int[] w = new int[n];
        int[] b = new int[n];
        for (int i = 0; i < n; i++) {
            String name = pipeline.nodes[i].name;
            w[i] = stageWorkers.getOrDefault(name, workers == null ? 1 : workers);
            b[i] = stageBuffers.getOrDefault(name, buffer == null ? DEFAULT_BUFFER : buffer);
        }
        StreamingRunImpl<I, O> run = new StreamingRunImpl<>(pipeline, w, b, !unordered, handler, source, sink, ctx);
        run.start();
        return run;
    }

    @Override
    public StreamingResult run(Context ctx, Iterable<? extends I> source, Consumer<? super O> sink)
            throws InterruptedException {
        StreamingRun run = start(ctx, source, sink);
        try {
            return run.await();
        } catch (InterruptedException e) {
            run.cancel();
            throw e;
        }
    }
}
