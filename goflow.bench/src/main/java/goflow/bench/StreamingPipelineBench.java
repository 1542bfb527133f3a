package goflow.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.StreamingResult;

/**
 * The pipeline's streaming mode: items per second through 4 stages (each about 0.25 µs of CPU) at
 * concurrency 1, 4 and 16 (workers per stage), {@value #ITEMS} items per operation, outputs in
 * input order. Against the same work on a {@link ThreadPoolExecutor} of 4 × concurrency threads
 * with {@link CompletableFuture} chaining ({@code supplyAsync} then three {@code thenApplyAsync}
 * on the executor, all futures joined): what a service writes without goflow. goflow's run keeps
 * order and bounds its buffers (16 per stage); the futures do neither.
 *
 * <p>Run: {@code java -jar goflow.bench/target/benchmarks.jar StreamingPipelineBench -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StreamingPipelineBench {
    static final int ITEMS = 10_000;
    /** Blackhole.consumeCPU tokens per stage: about 0.25 µs on these machines. */
    static final long TOKENS = 150;

    @Param({"goflow", "completableFuture"})
    public String impl;

    @Param({"1", "4", "16"})
    public int concurrency;

    /**
     * goflow's buffer in front of each stage: 16 is the default; {@code -p buffer=16,256} shows
     * what a larger one buys (docs/pipeline.md, "Streaming"). The futures have no buffer.
     */
    @Param({"16"})
    public int buffer;

    private GoFlow goflow;
    private Pipeline<Integer, Integer> pipeline;
    private ThreadPoolExecutor tpe;
    private List<Integer> items;

    static Integer work(Integer x) {
        Blackhole.consumeCPU(TOKENS);
        return x + 1;
    }

    @Setup(Level.Trial)
    public void setUp() {
        goflow = GoFlow.load();
        items = new ArrayList<>(ITEMS);
        for (int i = 0; i < ITEMS; i++) {
            items.add(i);
        }
        if (impl.equals("goflow")) {
            pipeline = goflow.pipeline().input(Integer.class).stage("s1", StreamingPipelineBench::work)
                    .stage("s2", StreamingPipelineBench::work).stage("s3", StreamingPipelineBench::work)
                    .stage("s4", StreamingPipelineBench::work).build();
        } else {
            int threads = 4 * concurrency;
            tpe = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>());
            tpe.prestartAllCoreThreads();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        if (tpe != null) {
            tpe.shutdown();
            tpe.awaitTermination(10, TimeUnit.SECONDS);
        }
        goflow.close();
    }

    @Benchmark
    @OperationsPerInvocation(ITEMS)
    public long items() {
        LongAdder sum = new LongAdder();
        if (pipeline != null) {
            StreamingResult r = pipeline.stream().concurrency(concurrency).buffer(buffer).start(Context.background(), items,
                    out -> sum.add(out)).completion().join();
            if (r.itemsOut() != ITEMS) {
                throw new IllegalStateException("delivered " + r.itemsOut() + " of " + ITEMS + ": " + r.error());
            }
            return sum.sum();
        }
        List<CompletableFuture<Integer>> futures = new ArrayList<>(ITEMS);
        for (Integer x : items) {
            futures.add(CompletableFuture.supplyAsync(() -> work(x), tpe)
                    .thenApplyAsync(StreamingPipelineBench::work, tpe)
                    .thenApplyAsync(StreamingPipelineBench::work, tpe)
                    .thenApplyAsync(StreamingPipelineBench::work, tpe));
        }
        for (CompletableFuture<Integer> f : futures) {
            sum.add(f.join());
        }
        return sum.sum();
    }
}
