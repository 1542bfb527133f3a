package goflow.bench;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import goflow.api.GoFlow;
import goflow.api.pool.WorkerPool;

/**
 * A pool's whole life with a draining shutdown: built with 4 workers and a queue of 1000, handed
 * 1000 no-op tasks that wait behind a gate (so they are all queued when the shutdown starts), shut
 * down, the gate opened, and waited for until terminated — every accepted task run. Against a
 * {@link ThreadPoolExecutor} of the same size, queue and prestarted threads going through
 * {@code shutdown()} and {@code awaitTermination}. One operation is one life; thread start and end
 * are part of it on both sides.
 *
 * <p>Run: {@code java -jar goflow.bench/target/benchmarks.jar PoolShutdownBench -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PoolShutdownBench {
    private static final int TASKS = 1000;

    @Param({"goflow", "threadPoolExecutor"})
    public String impl;

    private GoFlow goflow;

    @Setup(Level.Trial)
    public void setUp() {
        goflow = GoFlow.load();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        goflow.close();
    }

    @Benchmark
    public Object drainingShutdown() throws InterruptedException {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch ran = new CountDownLatch(TASKS);
        Runnable task = () -> {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ran.countDown();
        };
        if (impl.equals("goflow")) {
            WorkerPool pool = goflow.workerPool().workers(4).queueCapacity(TASKS).build();
            for (int i = 0; i < TASKS; i++) {
                pool.execute(task);
            }
            java.util.concurrent.CompletableFuture<Void> done = pool.shutdown();
            gate.countDown();
            done.join();
        } else {
            ThreadPoolExecutor tpe = new ThreadPoolExecutor(4, 4, 0, TimeUnit.MILLISECONDS,
                    new ArrayBlockingQueue<>(TASKS));
            tpe.prestartAllCoreThreads();
            for (int i = 0; i < TASKS; i++) {
                tpe.execute(task);
            }
            tpe.shutdown();
            gate.countDown();
            if (!tpe.awaitTermination(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the executor did not terminate");
            }
        }
        if (ran.getCount() != 0) {
            throw new IllegalStateException(impl + " lost " + ran.getCount() + " tasks");
        }
        return ran;
    }
}
