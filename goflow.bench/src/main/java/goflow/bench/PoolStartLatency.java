package goflow.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;

import org.openjdk.jmh.infra.Blackhole;

import goflow.api.GoFlow;
import goflow.api.pool.QueueFullPolicy;
import goflow.api.pool.WorkerPool;

/**
 * How long tasks wait to start, in two builds of the worker pool and in a {@link ThreadPoolExecutor}:
 * the check that a change to the pool's hand-off does not make tasks wait behind a worker that is not
 * running (a worker that took a batch of queued tasks and was descheduled holds them until it runs
 * again or another worker takes them back; docs/pool.md, "Performance notes").
 *
 * <p>Each round sends one burst of tasks from one thread to each contender, in a random order, and
 * waits for the burst to finish; each task records when it started. Two figures per task:
 * <ul>
 * <li><b>wait</b>: its start minus its submission. In a burst that is mostly its place in the queue
 * times the time per task, so it also moves with throughput;
 * <li><b>overtaken by</b>: how long after the earliest start of any task submitted after it the task
 * started (zero if none started before it). A FIFO hand-off overtakes only while a worker that has
 * dequeued a task is not yet running it, so this isolates tasks held back out of order.
 * </ul>
 * The report gives, per contender, the percentiles of both over every task of every round (after
 * the warm-up rounds), in microseconds.
 *
 * <p>Run (after {@code mvn -q -pl goflow.bench -am package -DskipTests}, the other build's classes
 * compiled to a directory as for {@link PoolAB}):
 * <pre>
 * java -cp goflow.bench/target/benchmarks.jar goflow.bench.PoolStartLatency 8 300 1000 OLD/goflow.impl/target/classes goflow.impl/target/classes cpu10us
 * </pre>
 * Arguments: workers, rounds, tasks per burst, the A and the B build, and optionally the work,
 * {@code noop} or {@code cpu10us} (the default: about 10 µs of CPU per task, as in
 * {@link WorkerPoolBench}). The pools have a queue of 1000 with {@code BLOCK} and measure task times
 * (the defaults), the executor an {@link java.util.concurrent.ArrayBlockingQueue} of 1000 with a handler that blocks, as in
 * {@link PoolAB}. Tasks are {@code execute}d (the pool's {@code submit} has the same hand-off).
 */
public final class PoolStartLatency {
    private static final double[] PERCENTILES = {50, 90, 99, 99.9, 100};

    private PoolStartLatency() {
    }

    /** One contender: runs bursts and keeps every measured task's wait and overtaken-by time. */
    private static final class Side {
        final String name;
        final Executor executor;
        final boolean cpu;
        final long[] submitted;
        final long[] started;
        final Runnable[] tasks;
        volatile CountDownLatch done;
        final long[] waits;
        final long[] overtaken;
        int measured;

        Side(String name, Executor executor, boolean cpu, int burst, int rounds) {
            this.name = name;
            this.executor = executor;
            this.cpu = cpu;
            this.submitted = new long[burst];
            this.started = new long[burst];
            this.tasks = new Runnable[burst];
            for (int i = 0; i < burst; i++) {
                int index = i;
                tasks[i] = () -> run(index);
            }
            this.waits = new long[burst * rounds];
            this.overtaken = new long[burst * rounds];
        }

        private void run(int index) {
            started[index] = System.nanoTime();
            if (cpu) {
                Blackhole.consumeCPU(WorkerPoolBench.CPU_TOKENS);
            }
            done.countDown();
        }

        /**
         * Sends one burst and waits for it; when {@code keep}, adds its figures. The latch's count-down
         * and await order every task's write of {@code started} before the reads here.
         */
        void burst(boolean keep) throws InterruptedException {
            int n = tasks.length;
            CountDownLatch latch = new CountDownLatch(n);
            done = latch;
            for (int i = 0; i < n; i++) {
                submitted[i] = System.nanoTime();
                executor.execute(tasks[i]);
            }
            latch.await();
            if (!keep) {
                return;
            }
            long laterMin = Long.MAX_VALUE; // the earliest start among the tasks submitted after i
            for (int i = n - 1; i >= 0; i--) {
                waits[measured + i] = started[i] - submitted[i];
                overtaken[measured + i] = laterMin == Long.MAX_VALUE ? 0 : Math.max(0, started[i] - laterMin);
                laterMin = Math.min(laterMin, started[i]);
            }
            measured += n;
        }

        String report() {
            return name + ": wait " + percentiles(waits) + "; overtaken by " + percentiles(overtaken);
        }

        private String percentiles(long[] all) {
            long[] sorted = Arrays.copyOf(all, measured);
            Arrays.sort(sorted);
            StringBuilder s = new StringBuilder();
            for (double p : PERCENTILES) {
                int at = (int) Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1);
                s.append(s.length() == 0 ? "" : ", ").append(p == 100 ? "max" : "p" + fmt(p)).append(' ')
                        .append(String.format(Locale.ROOT, "%.1f", sorted[Math.max(0, at)] / 1000.0));
            }
            return s.append(" us").toString();
        }

        private static String fmt(double p) {
            return p == Math.rint(p) ? Integer.toString((int) p) : Double.toString(p);
        }
    }

    /**
     * Command line: {@code workers rounds burst buildA buildB [noop|cpu10us]} (see the class comment).
     *
     * @param args see the class comment
     * @throws Exception if a build cannot be loaded
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 5 && args.length != 6) {
            System.err.println("usage: PoolStartLatency <workers> <rounds> <tasks per burst>"
                    + " <goflow.impl build A> <goflow.impl build B> [noop|cpu10us]");
            System.exit(2);
        }
        int workers = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        int burst = Integer.parseInt(args[2]);
        String work = args.length == 6 ? args[5] : "cpu10us";
        if (!work.equals("noop") && !work.equals("cpu10us")) {
            throw new IllegalArgumentException("work must be noop or cpu10us, got " + work);
        }
        if (workers < 1 || rounds < 1 || burst < 1) {
            throw new IllegalArgumentException("workers, rounds and tasks per burst must be at least 1, got "
                    + workers + ", " + rounds + " and " + burst);
        }
        boolean cpu = work.equals("cpu10us");
        List<AutoCloseable> toClose = new ArrayList<>();
        try {
            Side[] sides = new Side[3];
            for (int i = 0; i < 2; i++) {
                Path build = Path.of(args[3 + i]);
                if (!Files.exists(build)) {
                    throw new IllegalArgumentException("no goflow.impl build at " + build);
                }
                PoolAB.ImplFirstLoader loader = new PoolAB.ImplFirstLoader(build, PoolStartLatency.class.getClassLoader());
                toClose.add(loader);
                GoFlow goflow = (GoFlow) Class.forName("goflow.impl.GoFlowImpl", true, loader)
                        .getConstructor().newInstance();
                toClose.add(goflow);
                WorkerPool pool = goflow.workerPool().workers(workers).queueCapacity(PoolAB.CAPACITY)
                        .onQueueFull(QueueFullPolicy.BLOCK).build();
                toClose.add(pool);
                sides[i] = new Side(i == 0 ? "A" : "B", pool, cpu, burst, rounds);
            }
            ThreadPoolExecutor executor = PoolAB.blockingExecutor(workers, toClose);
            sides[2] = new Side("executor", executor, cpu, burst, rounds);

            SplittableRandom random = new SplittableRandom(1);
            List<Integer> order = new ArrayList<>(List.of(0, 1, 2));
            int warmUp = Math.max(1, rounds / 5);
            for (int round = -warmUp; round < rounds; round++) {
                Collections.shuffle(order, new Random(random.nextLong()));
                for (int side : order) {
                    sides[side].burst(round >= 0);
                }
            }
            System.out.printf(Locale.ROOT, "%s, %d workers, %d rounds of %d tasks (%d warm-up rounds not counted)%n",
                    work, workers, rounds, burst, warmUp);
            for (Side s : sides) {
                System.out.println(s.report());
            }
        } finally {
            Collections.reverse(toClose);
            for (AutoCloseable c : toClose) {
                c.close();
            }
        }
    }
}
