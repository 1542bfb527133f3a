package goflow.bench;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

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
import goflow.api.pool.QueueFullPolicy;
import goflow.api.pool.Task;
import goflow.api.pool.WorkerPool;

/**
 * Worker pool end-to-end throughput (tasks per second, submitted and run): one submitting thread
 * hands {@value #BATCH} tasks to the pool, blocking when the queue is full, and waits until all
 * have run. Against a {@link ThreadPoolExecutor} of the same size and queue (an
 * {@link ArrayBlockingQueue}, a rejection handler that blocks on {@code put}, threads prestarted).
 * {@code noop}: the task only counts down; {@code cpu10us}: about 10 µs of CPU first. {@code api}:
 * {@code execute(Runnable)} or {@code submit} (ours returns a future of a TaskResult, the JDK's a
 * Future). Defaults: 4 workers, queue 1000; the Go reference's {@code BenchmarkWorkerPoolThroughput}
 * is {@code -p queue=100}.
 *
 * <p>Run: {@code java -jar goflow.bench/target/benchmarks.jar WorkerPoolBench -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class WorkerPoolBench {
    static final int BATCH = 2000;
    /**
     * Blackhole.consumeCPU tokens for about 10 µs of CPU on these machines: measured 9.96 µs for
     * 6000 tokens (best of 24 rounds of 2000 calls, JDK 17); 2500 tokens took 4.2 µs.
     */
    static final long CPU_TOKENS = 6000;

    @Param({"goflow", "threadPoolExecutor"})
    public String impl;

    @Param({"noop", "cpu10us"})
    public String work;

    @Param({"execute", "submit"})
    public String api;

    @Param({"4"})
    public int workers;

    @Param({"1000"})
    public int queue;

    private GoFlow goflow;
    private WorkerPool pool;
    private ThreadPoolExecutor tpe;
    private volatile CountDownLatch latch;
    private Runnable task;
    private Task<Void> poolTask;

    @Setup(Level.Trial)
    public void setUp() {
        goflow = GoFlow.load();
        boolean cpu = work.equals("cpu10us");
        task = () -> {
            if (cpu) {
                Blackhole.consumeCPU(CPU_TOKENS);
            }
            latch.countDown();
        };
        poolTask = ctx -> {
            task.run();
            return null;
        };
        if (impl.equals("goflow")) {
            pool = goflow.workerPool().workers(workers).queueCapacity(queue).onQueueFull(QueueFullPolicy.BLOCK).build();
        } else {
            tpe = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue),
                    (r, executor) -> {
                        try {
                            executor.getQueue().put(r);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new RejectedExecutionException(e);
                        }
                    });
            tpe.prestartAllCoreThreads();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        if (pool != null) {
            pool.close();
        } else {
            tpe.shutdown();
            tpe.awaitTermination(10, TimeUnit.SECONDS);
        }
        goflow.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void endToEnd() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(BATCH);
        latch = done;
        boolean submit = api.equals("submit");
        for (int i = 0; i < BATCH; i++) {
            if (pool != null) {
                if (submit) {
                    pool.submit(poolTask);
                } else {
                    pool.execute(task);
                }
            } else if (submit) {
                tpe.submit(task);
            } else {
                tpe.execute(task);
            }
        }
        done.await();
    }
}
