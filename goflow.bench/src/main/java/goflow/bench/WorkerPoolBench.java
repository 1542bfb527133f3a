package goflow.bench;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
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
import goflow.api.pool.WorkerPoolBuilder;

/**
 * Worker pool end-to-end throughput (tasks per second, submitted and run): {@code submitters}
 * threads (1 or 2) hand {@value #BATCH} tasks in all to the pool, blocking when the queue is full,
 * and the benchmark thread waits until all have run. With 2 submitters the benchmark thread submits
 * half and a helper thread of this benchmark (started in the set-up, handed the batch through a
 * one-slot queue) the other half. Against a {@link ThreadPoolExecutor} of the same size and queue (an
 * {@link ArrayBlockingQueue}, a rejection handler that blocks on {@code put}, threads prestarted).
 * {@code noop}: the task only counts down; {@code cpu10us}: about 10 µs of CPU first. {@code api}:
 * {@code execute(Runnable)} or {@code submit} (ours returns a future of a TaskResult, the JDK's a
 * Future). Workers 2, 4 and 8, queue 1000; the Go reference's
 * {@code BenchmarkWorkerPoolThroughput} is {@code -p workers=4 -p queue=100}.
 *
 * <p>The implementations ({@code impl}), in pairs that do the same work:
 * <ul>
 * <li>{@code goflowUntimed}: the pool with {@code measureTaskTimes(false)}, whose workers do not
 * read the clock around tasks (no {@code averageTaskTime} or {@code maxTaskTime}, every
 * {@code TaskResult.duration()} zero), against {@code threadPoolExecutor}, the plain executor: neither
 * measures task times.
 * <li>{@code goflow}: the pool as built by default, measuring task times, against
 * {@code threadPoolExecutorTimed}, the same executor keeping what the pool's statistics keep (tasks
 * run, their total and longest time, the pool's {@code averageTaskTime} and {@code maxTaskTime}) the
 * way a user adds it: the clock read in {@code beforeExecute} and {@code afterExecute}, counted in
 * per-thread counters.
 * </ul>
 * The target (DESIGN.md, issue 19) is {@code goflow}, with its exact task-time statistics, at least as
 * fast as {@code threadPoolExecutor}; the report gives that verdict per cell, and beside it the two
 * comparisons above, each pool against the executor doing the same work. The pool measuring task
 * times reads the clock once per task under load (docs/pool.md, "Performance notes"), and that read
 * is the whole gap to the plain executor with no-op tasks.
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

    @Param({"goflow", "goflowUntimed", "threadPoolExecutor", "threadPoolExecutorTimed"})
    public String impl;

    @Param({"noop", "cpu10us"})
    public String work;

    @Param({"execute", "submit"})
    public String api;

    @Param({"2", "4", "8"})
    public int workers;

    @Param({"1", "2"})
    public int submitters;

    @Param({"1000"})
    public int queue;

    private GoFlow goflow;
    private WorkerPool pool;
    private ThreadPoolExecutor tpe;
    private volatile CountDownLatch latch;
    private Runnable task;
    private Task<Void> poolTask;
    /** With 2 submitters: hands the helper thread its latch (its half of the batch); {@link #STOP} ends it. */
    private final ArrayBlockingQueue<CountDownLatch> handOff = new ArrayBlockingQueue<>(1);
    private static final CountDownLatch STOP = new CountDownLatch(0);
    private Thread helper;
    /** What the helper thread failed with, if it did. */
    private volatile Throwable helperFailure;

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
        if (isPool()) {
            WorkerPoolBuilder b = goflow.workerPool().workers(workers).queueCapacity(queue)
                    .onQueueFull(QueueFullPolicy.BLOCK);
            if (impl.equals("goflowUntimed")) {
                b = b.measureTaskTimes(false);
            }
            pool = b.build();
        } else if (impl.equals("threadPoolExecutor") || impl.equals("threadPoolExecutorTimed")) {
            RejectedExecutionHandler blockOnFull = (r, executor) -> {
                try {
                    executor.getQueue().put(r);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RejectedExecutionException(e);
                }
            };
            tpe = impl.equals("threadPoolExecutorTimed") ? new TimedExecutor(workers, queue, blockOnFull)
                    : new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue),
                            blockOnFull);
            tpe.prestartAllCoreThreads();
        } else {
            throw new IllegalArgumentException("unknown impl " + impl);
        }
        if (submitters == 2) {
            helper = new Thread(this::helperLoop, "WorkerPoolBench-submitter-2");
            helper.setDaemon(true);
            helper.start();
        } else if (submitters != 1) {
            throw new IllegalArgumentException("submitters must be 1 or 2: " + submitters);
        }
    }

    /** Whether {@link #impl} is one of the pools ({@code goflow}, {@code goflowUntimed}), not an executor. */
    private boolean isPool() {
        return impl.equals("goflow") || impl.equals("goflowUntimed");
    }

    private void helperLoop() {
        try {
            CountDownLatch next;
            while ((next = handOff.take()) != STOP) {
                try {
                    submitSome(BATCH / 2);
                } catch (Throwable t) {
                    helperFailure = t;
                } finally {
                    next.countDown();
                }
            }
        } catch (InterruptedException e) {
            helperFailure = e;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        if (helper != null) {
            handOff.put(STOP);
            helper.join();
        }
        if (pool != null) {
            // the cell measured what it says: task times kept by goflow, not by goflowUntimed
            boolean timed = pool.stats().taskTimesMeasured();
            pool.close();
            if (timed != impl.equals("goflow")) {
                throw new IllegalStateException(impl + ": the pool " + (timed ? "measured" : "did not measure")
                        + " task times");
            }
        } else {
            tpe.shutdown();
            tpe.awaitTermination(10, TimeUnit.SECONDS);
            if (tpe instanceof TimedExecutor timed && timed.tasks() != tpe.getCompletedTaskCount()) {
                throw new IllegalStateException("the timed executor timed " + timed.tasks() + " tasks of "
                        + tpe.getCompletedTaskCount());
            }
        }
        goflow.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void endToEnd() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(BATCH);
        latch = done;
        if (helper == null) {
            submitSome(BATCH);
        } else {
            CountDownLatch helperDone = new CountDownLatch(1);
            handOff.put(helperDone);
            submitSome(BATCH - BATCH / 2);
            helperDone.await();
            if (helperFailure != null) {
                throw new IllegalStateException("the second submitter failed", helperFailure);
            }
        }
        done.await();
    }

    /**
     * A ThreadPoolExecutor that times its tasks as the pool does (tasks, total and longest time),
     * with the clock read before and after each task and per-thread counters (a single writer each,
     * no allocation per task; {@link #counters} lists them for reading).
     */
    static final class TimedExecutor extends ThreadPoolExecutor {
        private static final int START = 0;
        private static final int TASKS = 1;
        private static final int TOTAL = 2;
        private static final int MAX = 3;
        /** Every worker thread's counters: {start, tasks, total nanoseconds, longest nanoseconds}. */
        final java.util.Queue<long[]> counters = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private final ThreadLocal<long[]> mine = ThreadLocal.withInitial(() -> {
            long[] c = new long[4];
            counters.add(c);
            return c;
        });

        TimedExecutor(int workers, int queue, RejectedExecutionHandler onFull) {
            super(workers, workers, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queue), onFull);
        }

        @Override
        protected void beforeExecute(Thread t, Runnable r) {
            mine.get()[START] = System.nanoTime();
        }

        @Override
        protected void afterExecute(Runnable r, Throwable t) {
            long[] c = mine.get();
            long took = System.nanoTime() - c[START];
            c[TASKS]++;
            c[TOTAL] += took;
            if (took > c[MAX]) {
                c[MAX] = took;
            }
        }

        /** The tasks timed so far, summed over the threads (read after the tasks ended). */
        long tasks() {
            long n = 0;
            for (long[] c : counters) {
                n += c[TASKS];
            }
            return n;
        }
    }

    private void submitSome(int n) {
        boolean submit = api.equals("submit");
        for (int i = 0; i < n; i++) {
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
    }
}
