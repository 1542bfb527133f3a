package goflow.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.infra.Blackhole;

import goflow.api.GoFlow;
import goflow.api.pool.QueueFullPolicy;
import goflow.api.pool.Task;
import goflow.api.pool.WorkerPool;
import goflow.api.pool.WorkerPoolBuilder;

/**
 * A/B comparison of two builds of the worker pool (and a {@link ThreadPoolExecutor}): the tool for
 * deciding whether a change to the pool helps, on a machine whose speed drifts by up to 2× within
 * minutes (docs/pool.md, "Performance notes").
 *
 * <p>Each fork (a JVM of its own) loads both builds, each from its own class directory (or
 * {@code goflow.impl} jar) by a class loader that looks there first for {@code goflow.impl}
 * classes, and runs rounds of one batch on each and on the executor, in a random order, so a
 * round's three batches see the same machine; the fork's figure is the median over its rounds of
 * B's time ÷ A's. The fork, not the round, is the unit of the verdict: the two builds' code is
 * compiled separately in every JVM, and that alone moves the ratio between forks (a build against
 * itself measured 0.88× to 1.46× in six forks of 300 to 3000 rounds, each "significant" by its
 * rounds). So the forks alternate which build is loaded first, and the verdict is the median of the
 * fork ratios, their range, and an exact sign test over the forks.
 *
 * <p>Run (after {@code mvn -q -pl goflow.bench -am package -DskipTests}, with the other build's
 * classes compiled to a directory, e.g. from a worktree of another commit):
 * <pre>
 * java -cp goflow.bench/target/benchmarks.jar goflow.bench.PoolAB execute 2 3000 20 OLD/goflow.impl/target/classes goflow.impl/target/classes
 * </pre>
 * Arguments: {@code execute} or {@code submit}, workers, rounds per fork (a fifth more are run
 * first as warm-up), forks, the A and the B build, and optionally the work, {@code noop} (the
 * default) or {@code cpu10us} (about 10 µs of CPU per task, as in {@link WorkerPoolBench}). Each batch is
 * {@value #BATCH} tasks from one submitting thread, the pool's queue 1000 with {@code BLOCK} (the
 * executor's an {@link ArrayBlockingQueue} of 1000 with a handler that blocks), as in
 * {@link WorkerPoolBench}. Compare a build with itself first: the fork ratios' spread is the noise a
 * difference must exceed.
 *
 * <p>The same forks also give the pool against the executor, interleaved round by round: each
 * fork's median of A's time ÷ the executor's, with a sign test over the forks. With A and B the same
 * build that is the verdict on a {@link WorkerPoolBench} cell that does not drift with the machine
 * between cells (JMH runs the implementations one after another). Both builds' pools are built with
 * the defaults, so they measure task times, and the executor is the plain one, which does not: that
 * is {@link WorkerPoolBench}'s {@code goflow} against {@code threadPoolExecutor}, the report's target
 * (DESIGN.md: exact task-time statistics kept). A build argument ending in {@value #UNTIMED} builds
 * that side's pools with {@code measureTaskTimes(false)} (a build that has the option): with
 * {@code DIR#untimed DIR#untimed}, A against the executor is the report's {@code goflowUntimed}
 * against {@code threadPoolExecutor}; with {@code DIR DIR#untimed}, B ÷ A is what measuring task
 * times costs.
 */
public final class PoolAB {
    static final int BATCH = 2000;
    /** The suffix of a build argument whose pools are built with {@code measureTaskTimes(false)}. */
    static final String UNTIMED = "#untimed";
    static final int CAPACITY = 1000;

    private PoolAB() {
    }

    /** One comparison's figures: nanoseconds per task of every round's batch, A, B and the executor. */
    record Result(double[] a, double[] b, double[] executor) {
        /** The median over the rounds of (first's time ÷ second's time), paired by round. */
        static double pairedMedian(double[] first, double[] second) {
            double[] r = new double[first.length];
            for (int i = 0; i < r.length; i++) {
                r[i] = first[i] / second[i];
            }
            return Report.median(r);
        }

        /**
         * P(at least as far from n/2 as {@code wins}) for Binomial(n, 1/2), both tails (as SciPy's
         * {@code binomtest}); computed with logarithms of the binomial coefficients.
         */
        static double signTestP(int wins, int n) {
            int far = Math.max(wins, n - wins);
            if (2 * far == n) {
                return 1;
            }
            double[] logFactorial = new double[n + 1];
            for (int i = 1; i <= n; i++) {
                logFactorial[i] = logFactorial[i - 1] + Math.log(i);
            }
            double tail = 0;
            for (int k = far; k <= n; k++) {
                tail += Math.exp(logFactorial[n] - logFactorial[k] - logFactorial[n - k] - n * Math.log(2));
            }
            return Math.min(1, 2 * tail);
        }
    }

    /** The forks' figures: per fork, the median round ratios B/A, A/executor and B/executor. */
    record Forks(double[] bOverA, double[] aOverExecutor, double[] bOverExecutor) {
        String summary(String api, String work, int workers, int rounds) {
            return String.format(Locale.ROOT,
                    "%s %s, %d workers, %d forks of %d rounds: B/A time %s; B faster in %s."
                            + " A/executor time %s; A faster in %s. B/executor %.3f",
                    api, work, workers, bOverA.length, rounds, medianAndRange(bOverA), fasterIn(bOverA),
                    medianAndRange(aOverExecutor), fasterIn(aOverExecutor), Report.median(bOverExecutor));
        }

        private static String medianAndRange(double[] ratios) {
            double[] sorted = ratios.clone();
            Arrays.sort(sorted);
            return String.format(Locale.ROOT, "%.3f (median of the forks; range %.3f-%.3f)", Report.median(ratios),
                    sorted[0], sorted[sorted.length - 1]);
        }

        /** "k of n forks (sign test p = …)": the forks whose time ratio is below 1. */
        private static String fasterIn(double[] ratios) {
            int faster = 0;
            int decided = 0; // forks with a difference either way
            for (double r : ratios) {
                faster += r < 1 ? 1 : 0;
                decided += r != 1 ? 1 : 0;
            }
            return String.format(Locale.ROOT, "%d of %d forks (sign test p = %.3g)", faster, ratios.length,
                    Result.signTestP(faster, decided));
        }
    }

    /**
     * Runs {@code forks} JVMs of {@link #compare}, alternating which build is loaded first, and
     * collects each fork's median ratios; {@code out} gets a line per fork.
     */
    static Forks forks(String api, String work, int workers, int rounds, int warmUp, int forks, Path buildA,
            Path buildB, PrintStream out) throws IOException, InterruptedException {
        if (forks < 1) {
            throw new IllegalArgumentException("forks must be at least 1, got " + forks);
        }
        String javaCommand = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        double[] ba = new double[forks];
        double[] ae = new double[forks];
        double[] be = new double[forks];
        for (int f = 0; f < forks; f++) {
            boolean swap = f % 2 == 1;
            Path first = swap ? buildB : buildA;
            Path second = swap ? buildA : buildB;
            Process p = new ProcessBuilder(javaCommand, "-Xms1g", "-Xmx1g", "-cp", System.getProperty("java.class.path"),
                    PoolAB.class.getName(), "--fork", api, work, Integer.toString(workers), Integer.toString(rounds),
                    Integer.toString(warmUp), first.toString(), second.toString())
                    .redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            String line = output.lines().filter(l -> l.startsWith("FORK ")).findFirst().orElse(null);
            if (exit != 0 || line == null) {
                throw new IllegalStateException("fork " + (f + 1) + " failed (exit " + exit + "):\n" + output);
            }
            String[] v = line.split(" ");
            double secondOverFirst = Double.parseDouble(v[1]);
            double firstOverExecutor = Double.parseDouble(v[2]);
            double secondOverExecutor = Double.parseDouble(v[3]);
            ba[f] = swap ? 1 / secondOverFirst : secondOverFirst;
            ae[f] = swap ? secondOverExecutor : firstOverExecutor;
            be[f] = swap ? firstOverExecutor : secondOverExecutor;
            out.printf(Locale.ROOT, "fork %d (%s loaded first): B/A %.3f, A/executor %.3f, B/executor %.3f%n", f + 1,
                    swap ? "B" : "A", ba[f], ae[f], be[f]);
        }
        return new Forks(ba, ae, be);
    }

    /**
     * Loads {@code goflow.impl} classes from its own location first, everything else (the API,
     * the JDK) from the parent: two builds of the implementation side by side behind one API.
     */
    static final class ImplFirstLoader extends URLClassLoader {
        ImplFirstLoader(Path build, ClassLoader parent) throws IOException {
            super(new URL[] {build.toUri().toURL()}, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("goflow.impl.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null) {
                    c = findClass(name);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

    /**
     * The executor the pools are compared with: {@code workers} threads started up front, an
     * {@link ArrayBlockingQueue} of {@value #CAPACITY} and a handler that blocks the submitter until
     * there is room (the pools' {@code BLOCK}); its shutdown is added to {@code toClose}.
     */
    static ThreadPoolExecutor blockingExecutor(int workers, List<AutoCloseable> toClose) {
        ThreadPoolExecutor executor = new ThreadPoolExecutor(workers, workers, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(CAPACITY), (r, e) -> {
                    try {
                        e.getQueue().put(r);
                    } catch (InterruptedException x) {
                        Thread.currentThread().interrupt();
                        throw new RejectedExecutionException(x);
                    }
                });
        executor.prestartAllCoreThreads();
        toClose.add(() -> {
            executor.shutdown();
            executor.awaitTermination(10, TimeUnit.SECONDS);
        });
        return executor;
    }

    /** Runs the comparison; {@code out} gets one line per tenth of the rounds and the summary. */
    static Result compare(String api, String work, int workers, int rounds, int warmUp, Path buildA, Path buildB,
            PrintStream out) throws Exception {
        if (!api.equals("execute") && !api.equals("submit")) {
            throw new IllegalArgumentException("api must be execute or submit, got " + api);
        }
        if (!work.equals("noop") && !work.equals("cpu10us")) {
            throw new IllegalArgumentException("work must be noop or cpu10us, got " + work);
        }
        boolean cpu = work.equals("cpu10us");
        if (workers < 1 || rounds < 1 || warmUp < 0) {
            throw new IllegalArgumentException("workers and rounds must be at least 1 and warm-up rounds at least 0, got "
                    + workers + ", " + rounds + " and " + warmUp);
        }
        List<AutoCloseable> toClose = new ArrayList<>();
        try {
            Side[] sides = new Side[3];
            Path[] builds = {buildA, buildB};
            for (int i = 0; i < 2; i++) {
                String spec = builds[i].toString();
                boolean untimed = spec.endsWith(UNTIMED);
                Path build = untimed ? Path.of(spec.substring(0, spec.length() - UNTIMED.length())) : builds[i];
                if (!Files.exists(build)) {
                    throw new IllegalArgumentException("no goflow.impl build at " + build);
                }
                ImplFirstLoader loader = new ImplFirstLoader(build, PoolAB.class.getClassLoader());
                toClose.add(loader);
                GoFlow goflow = (GoFlow) Class.forName("goflow.impl.GoFlowImpl", true, loader)
                        .getConstructor().newInstance();
                toClose.add(goflow);
                WorkerPoolBuilder builder = goflow.workerPool().workers(workers).queueCapacity(CAPACITY)
                        .onQueueFull(QueueFullPolicy.BLOCK);
                WorkerPool pool = (untimed ? builder.measureTaskTimes(false) : builder).build();
                toClose.add(pool);
                sides[i] = new PoolSide(pool, api.equals("submit"), cpu);
            }
            ThreadPoolExecutor executor = blockingExecutor(workers, toClose);
            sides[2] = new ExecutorSide(executor, api.equals("submit"), cpu);

            double[][] nanos = new double[3][rounds];
            SplittableRandom random = new SplittableRandom(1);
            List<Integer> order = new ArrayList<>(List.of(0, 1, 2));
            for (int round = -warmUp; round < rounds; round++) {
                Collections.shuffle(order, new Random(random.nextLong()));
                for (int side : order) {
                    double perTask = sides[side].batch();
                    if (round >= 0) {
                        nanos[side][round] = perTask;
                    }
                }
                if (round >= 0 && rounds >= 10 && (round + 1) % (rounds / 10) == 0) {
                    out.printf(Locale.ROOT, "round %d: A %.1f, B %.1f, executor %.1f ns per task%n", round + 1,
                            nanos[0][round], nanos[1][round], nanos[2][round]);
                }
            }
            return new Result(nanos[0], nanos[1], nanos[2]);
        } finally {
            Collections.reverse(toClose);
            for (AutoCloseable c : toClose) {
                c.close();
            }
        }
    }

    /** One contender: runs a batch of tasks and returns the nanoseconds per task. */
    private abstract static class Side {
        volatile CountDownLatch latch;
        /** Whether a task burns about 10 µs of CPU (cpu10us) before it counts down. */
        private final boolean cpu;
        /** The task as a Runnable (executed, or submitted to the executor). */
        final Runnable task = this::task;

        Side(boolean cpu) {
            this.cpu = cpu;
        }

        /** The task's body: the work, then the count-down. */
        final void task() {
            if (cpu) {
                Blackhole.consumeCPU(WorkerPoolBench.CPU_TOKENS);
            }
            latch.countDown();
        }

        final double batch() throws InterruptedException {
            CountDownLatch done = new CountDownLatch(BATCH);
            latch = done;
            long start = System.nanoTime();
            for (int i = 0; i < BATCH; i++) {
                submitOne();
            }
            done.await();
            return (System.nanoTime() - start) / (double) BATCH;
        }

        abstract void submitOne();
    }

    private static final class PoolSide extends Side {
        private final WorkerPool pool;
        private final boolean submit;
        private final Task<Void> poolTask = ctx -> {
            task();
            return null;
        };

        PoolSide(WorkerPool pool, boolean submit, boolean cpu) {
            super(cpu);
            this.pool = pool;
            this.submit = submit;
        }

        @Override
        void submitOne() {
            if (submit) {
                pool.submit(poolTask);
            } else {
                pool.execute(task);
            }
        }
    }

    private static final class ExecutorSide extends Side {
        private final ThreadPoolExecutor executor;
        private final boolean submit;

        ExecutorSide(ThreadPoolExecutor executor, boolean submit, boolean cpu) {
            super(cpu);
            this.executor = executor;
            this.submit = submit;
        }

        @Override
        void submitOne() {
            if (submit) {
                executor.submit(task);
            } else {
                executor.execute(task);
            }
        }
    }

    /**
     * Command line: {@code execute|submit workers rounds forks buildA buildB [noop|cpu10us]} (see the
     * class comment).
     *
     * @param args see the class comment
     * @throws Exception if a build cannot be loaded or a fork fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 8 && args[0].equals("--fork")) {
            Result r = compare(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]),
                    Integer.parseInt(args[5]), Path.of(args[6]), Path.of(args[7]),
                    new PrintStream(OutputStream.nullOutputStream()));
            System.out.printf(Locale.ROOT, "FORK %.6f %.6f %.6f%n", Result.pairedMedian(r.b(), r.a()),
                    Result.pairedMedian(r.a(), r.executor()), Result.pairedMedian(r.b(), r.executor()));
            return;
        }
        if (args.length != 6 && args.length != 7) {
            System.err.println("usage: PoolAB execute|submit <workers> <rounds per fork> <forks>"
                    + " <goflow.impl build A> <goflow.impl build B> [noop|cpu10us]");
            System.exit(2);
        }
        String api = args[0];
        String work = args.length == 7 ? args[6] : "noop";
        int workers = Integer.parseInt(args[1]);
        int rounds = Integer.parseInt(args[2]);
        Forks f = forks(api, work, workers, rounds, Math.max(1, rounds / 5), Integer.parseInt(args[3]),
                Path.of(args[4]), Path.of(args[5]), System.out);
        System.out.println(f.summary(api, work, workers, rounds));
    }
}
