package goflow.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.NoBenchmarksException;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * The short profile: every benchmark of this module once (1 fork, 3 × 300 ms warm-up, 8 × 250 ms
 * measurement, gc profiler; many short iterations so that the report's medians can skip those
 * that lost their core to other work), the 10 s accuracy check, then the Markdown report of ratios
 * to the peers measured in the same run. About 21 minutes on 2 cores.
 *
 * <p>The stream benchmarks of {@code sorted()} with {@code distinct()} ({@link #LONG}) run apart, in
 * 5 rounds of one fork per cell, so that goflow's and the JDK's forks take turns (a machine that
 * slows down for a minute slows both); each fork 1 s warm-up and 3 × 1 s measurement. One of their
 * operations takes 12–20 ms at 100k elements: a 250 ms iteration held only a dozen, and one fork's
 * heap layout and compilation decided their ratio to the JDK. The report takes the median of the
 * 15 iterations of each cell (docs/benchmarks.md). They are skipped when benchmarks are named in the
 * arguments, unless a name selects them.
 *
 * <p>The rate limiter's cells that the targets compare with one fork each would be decided by
 * that fork ({@link #LIMITER}: {@code allow1} and {@code allow2} on the admit path, goflow and the
 * peers the targets name): one fork of {@code allow2} settles anywhere between 59 and 120 ns, and
 * one fork of {@code allow1} once ran at 1.5× the others in every iteration (docs/benchmarks.md,
 * seventh and eighth rounds). They get {@link #EXTRA_ROUNDS} more rounds of one fork per cell
 * after the main run, with its iteration settings, in turns, so a target compares the medians of
 * five forks and its p is by fork. So does the stream's filter/map/reduce ({@link #STREAM}), whose
 * goflow fork at 1k elements sometimes settles in a slow mode.
 *
 * <p>The worker pool's cells ({@link #POOL}) run one JMH invocation per cell after the main run,
 * the four implementations of the cell back to back. In one invocation JMH varies the parameters
 * in the order of their names, so {@code impl} varied slower than the others and each pool cell
 * ran one to four minutes before the executor cell a target compares it with; with ~10 µs tasks
 * the machine's drift over minutes was larger than the difference in question
 * (docs/benchmarks.md, ninth round).
 *
 * <p>Writes {@code jmh-result.json}, {@code jmh-result-long-1.json} to {@code -5},
 * {@code jmh-result-limiter-1.json} and {@code jmh-result-stream-1.json} to {@code -4},
 * {@code jmh-result-pool-1.json} and on (one per
 * pool cell), {@code accuracy.tsv}
 * and {@code report.md} to the directory
 * given by {@code -Dbench.out} (default {@code goflow.bench/target/bench}) and prints the report.
 *
 * <p>Run from the repository root:
 * {@code mvn -q -pl goflow.bench -am package -DskipTests && java -cp goflow.bench/target/benchmarks.jar goflow.bench.ShortProfile}
 * — arguments, if any, are regular expressions selecting benchmarks (default: all).
 */
public final class ShortProfile {
    /** The benchmarks run with longer iterations and 5 forks in turns; see the class comment. */
    static final String LONG = "goflow\\.bench\\.StreamBench\\.sorted.*";
    /**
     * The forked JVMs' flags, for every benchmark. AlwaysPreTouch: a fixed 1 GB heap is otherwise
     * first touched by the benchmark's own allocations (a short run never collects it), so every
     * allocating benchmark paid a page fault per few objects: PipelineBench measured 1159 ns instead
     * of 247 ns per execution.
     */
    static final String[] JVM_ARGS = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"};
    /** Rounds of {@link #LONG}, one fork of each cell per round. */
    static final int LONG_FORKS = 5;
    /** The rate limiter benchmarks run in {@link #EXTRA_ROUNDS} more rounds; see the class comment. */
    static final String LIMITER = "goflow\\.bench\\.RateLimiterBench\\.allow[12]$";
    /** The implementations of {@link #LIMITER}'s extra rounds: goflow, the floor, the best peers for two threads. */
    static final String[] LIMITER_IMPLS = {Peers.GOFLOW, Peers.CAS_FLOOR, "resilience4j", "bucket4jSync"};
    /** Extra rounds of {@link #LIMITER} (admit path) and {@link #STREAM}, one fork of each cell per round. */
    static final int EXTRA_ROUNDS = 4;
    /**
     * The stream cells that also get {@link #EXTRA_ROUNDS} more rounds: one fork of goflow's
     * filter/map/reduce at 1k elements settles at 4.0-4.8 us most of the time and at 5.7-6.4 us
     * now and then, in builds with and without the change measured (docs/benchmarks.md, ninth
     * round).
     */
    static final String STREAM = "goflow\\.bench\\.StreamBench\\.filterMapReduce$";
    /** The worker pool benchmark, run cell by cell after the main run; see the class comment. */
    static final String POOL = "goflow\\.bench\\.WorkerPoolBench\\.endToEnd";
    /** The parameters of {@link #POOL} that make a cell: every one but {@code impl}. */
    static final String[] POOL_CELL_PARAMS = {"api", "work", "submitters", "workers", "queue"};

    private ShortProfile() {
    }

    /** The load average from /proc/loadavg, or "n/a": how busy the machine was besides this run. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (java.io.IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** The main run's warm-up iterations ({@code -Dbench.wi}). */
    static final int WARMUP_ITERATIONS = Integer.getInteger("bench.wi", 3);
    /** The main run's warm-up iteration time in ms ({@code -Dbench.w}). */
    static final long WARMUP_MS = Long.getLong("bench.w", 300);
    /** The main run's measurement iterations ({@code -Dbench.i}). */
    static final int ITERATIONS = Integer.getInteger("bench.i", 8);
    /** The main run's measurement iteration time in ms ({@code -Dbench.r}). */
    static final long ITERATION_MS = Long.getLong("bench.r", 250);

    /** The main run's warm-up and measurement. */
    private static ChainedOptionsBuilder mainIterations(ChainedOptionsBuilder b) {
        return b.warmupIterations(WARMUP_ITERATIONS)
                .warmupTime(TimeValue.milliseconds(WARMUP_MS))
                .measurementIterations(ITERATIONS)
                .measurementTime(TimeValue.milliseconds(ITERATION_MS));
    }

    /** One fork per cell, the gc profiler, {@link #JVM_ARGS}, JSON results: every run of the profile. */
    private static ChainedOptionsBuilder oneFork(ChainedOptionsBuilder b) {
        return b.forks(1).addProfiler(GCProfiler.class).jvmArgsAppend(JVM_ARGS).resultFormat(ResultFormatType.JSON);
    }

    /**
     * Runs {@code count} rounds of one fork per cell of {@code round}'s benchmarks if {@code run},
     * with the gc profiler and {@link #JVM_ARGS}, each round's results to
     * {@code <prefix>-<n>.json} in {@code out}, and returns those files. Files of earlier runs
     * with the same names are deleted either way, so a report never reads a stale round.
     */
    private static List<Path> rounds(boolean run, int count, Path out, String prefix, ChainedOptionsBuilder round)
            throws IOException, RunnerException {
        oneFork(round);
        List<Path> jsons = new ArrayList<>();
        for (int f = 1; f <= count; f++) {
            Path json = out.resolve(prefix + "-" + f + ".json");
            Files.deleteIfExists(json);
            if (run) {
                new Runner(round.result(json.toString()).build()).run();
                jsons.add(json);
            }
        }
        return jsons;
    }

    /**
     * Runs {@link #POOL} one cell (one value of each of {@link #POOL_CELL_PARAMS}) per JMH
     * invocation if {@code run}, with the main run's settings, every implementation of the cell in
     * turn; returns the result files ({@code jmh-result-pool-<n>.json} in {@code out}). Result files
     * of an earlier run are deleted either way. The cells are read from the benchmark's
     * {@code @Param} annotations.
     */
    private static List<Path> poolCells(boolean run, Path out) throws IOException, RunnerException {
        try (var old = Files.newDirectoryStream(out, "jmh-result-pool-*.json")) {
            for (Path p : old) {
                Files.delete(p);
            }
        }
        List<Path> jsons = new ArrayList<>();
        if (!run) {
            return jsons;
        }
        List<List<String>> cells = new ArrayList<>();
        cells.add(List.of());
        for (String name : POOL_CELL_PARAMS) {
            String[] values;
            try {
                values = WorkerPoolBench.class.getField(name).getAnnotation(Param.class).value();
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException("WorkerPoolBench has no parameter " + name, e);
            }
            List<List<String>> next = new ArrayList<>();
            for (List<String> cell : cells) {
                for (String v : values) {
                    List<String> c = new ArrayList<>(cell);
                    c.add(v);
                    next.add(c);
                }
            }
            cells = next;
        }
        for (List<String> cell : cells) {
            Path file = out.resolve("jmh-result-pool-" + (jsons.size() + 1) + ".json");
            ChainedOptionsBuilder o = oneFork(mainIterations(new OptionsBuilder())).include(POOL)
                    .result(file.toString());
            for (int i = 0; i < POOL_CELL_PARAMS.length; i++) {
                o.param(POOL_CELL_PARAMS[i], cell.get(i));
            }
            new Runner(o.build()).run();
            jsons.add(file);
        }
        return jsons;
    }

    /**
     * The accuracy rows of this run's report: those of {@code tsv} if this run wrote it
     * ({@code ran}), else none. A run naming benchmarks skips the accuracy check, and a file an
     * earlier run left in the output directory is not this run's result.
     */
    static List<String[]> accuracyRows(boolean ran, Path tsv) throws IOException {
        return ran ? Report.readTsv(tsv) : List.of();
    }

    /**
     * Which of the cells run apart (after the main run, or in rounds of one fork) the arguments
     * select: {@code sorted} ({@link #LONG}), {@code limiter} the include pattern of
     * {@link #LIMITER}'s extra rounds for the methods selected (null: none), {@code stream}
     * ({@link #STREAM}) and {@code pool} ({@link #POOL}). A benchmark is selected as JMH selects it:
     * an argument's regular expression found in its full name (no arguments: every benchmark). A
     * substring test of the arguments ran the sorted cells for {@code StreamBench.goChain}, gave
     * {@code RateLimiterBench.allow2} extra rounds of {@code allow1} for four implementations only
     * (whose targets then compared goflow with two peers of five), and left the pool's cells in
     * the main run for a pattern like {@code endToEnd}.
     */
    record Apart(boolean sorted, String limiter, boolean stream, boolean pool) {
        private static final String PREFIX = "goflow.bench.";

        static Apart of(String[] args) {
            boolean allow1 = selects(args, PREFIX + "RateLimiterBench.allow1");
            boolean allow2 = selects(args, PREFIX + "RateLimiterBench.allow2");
            String limiter = allow1 && allow2 ? LIMITER
                    : allow1 || allow2 ? LIMITER.replace("[12]", allow1 ? "1" : "2") : null;
            return new Apart(
                    selects(args, PREFIX + "StreamBench.sortedDistinct")
                            || selects(args, PREFIX + "StreamBench.sortedThenDistinct"),
                    limiter, selects(args, PREFIX + "StreamBench.filterMapReduce"),
                    selects(args, PREFIX + "WorkerPoolBench.endToEnd"));
        }

        /** Whether {@code args}, JMH include patterns (none: all), select {@code benchmark}, a full name. */
        static boolean selects(String[] args, String benchmark) {
            if (args.length == 0) {
                return true;
            }
            for (String a : args) {
                if (Pattern.compile(a).matcher(benchmark).find()) {
                    return true;
                }
            }
            return false;
        }
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(System.getProperty("bench.out", "goflow.bench/target/bench"));
        Files.createDirectories(out);
        Path json = out.resolve("jmh-result.json");
        Path tsv = out.resolve("accuracy.tsv");
        Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String loadBefore = loadAverage();

        ChainedOptionsBuilder opts = oneFork(mainIterations(new OptionsBuilder())).result(json.toString());
        Apart apart = Apart.of(args);
        boolean runLong = apart.sorted();
        boolean runLimiter = apart.limiter() != null;
        boolean runPool = apart.pool();
        boolean runStream = apart.stream();
        if (args.length == 0) {
            opts.include("goflow\\.bench\\..*Bench\\..*");
        }
        for (String a : args) {
            opts.include(a);
        }
        if (runLong) {
            opts.exclude(LONG);
        }
        if (runPool) {
            opts.exclude(POOL);
        }
        Files.deleteIfExists(json);
        Files.deleteIfExists(tsv);
        try {
            new Runner(opts.build()).run();
        } catch (NoBenchmarksException e) {
            if (!runLong && !runPool) {
                throw e;
            }
            // only benchmarks run apart were named
            Files.deleteIfExists(json);
        }
        List<Path> poolJsons = poolCells(runPool, out);
        // one fork of every cell per round: goflow's and the peers' forks take turns, so a machine
        // that slows down for a minute slows both
        List<Path> longJsons = rounds(runLong, LONG_FORKS, out, "jmh-result-long", new OptionsBuilder()
                .include(LONG)
                .warmupIterations(1)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(3)
                .measurementTime(TimeValue.seconds(1)));
        // with the main run's settings: the report merges these forks with the main run's
        List<Path> limiterJsons = rounds(runLimiter, EXTRA_ROUNDS, out, "jmh-result-limiter",
                mainIterations(new OptionsBuilder()
                        .include(runLimiter ? apart.limiter() : LIMITER)
                        .param("impl", LIMITER_IMPLS)
                        .param("path", "admit")));
        List<Path> streamJsons = rounds(runStream, EXTRA_ROUNDS, out, "jmh-result-stream",
                mainIterations(new OptionsBuilder().include(STREAM)));

        boolean accuracyRan = args.length == 0 || Boolean.getBoolean("bench.accuracy");
        if (accuracyRan) {
            List<Accuracy.Result> acc = Accuracy.run(Double.parseDouble(System.getProperty("bench.accuracySeconds", "10")));
            Files.writeString(tsv, Accuracy.tsv(acc), StandardCharsets.UTF_8);
        }
        Instant ended = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        String limiterMethods = !runLimiter ? "" : apart.limiter().equals(LIMITER) ? "allow1/allow2"
                : apart.limiter().contains("allow1") ? "allow1" : "allow2";
        String env = String.format(Locale.ROOT,
                "Run %s to %s on %s %s (%s), %d cores, %s %s; JMH 1.37, 1 fork, %s×%s ms warm-up, %s×%s ms measurement, "
                        + "-prof gc%s. Load average (1, 5, 15 min) at the start: %s; at the end: %s.%n%n",
                started, ended, System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), WARMUP_ITERATIONS, WARMUP_MS, ITERATIONS, ITERATION_MS,
                (runLong ? "; StreamBench.sorted*: " + LONG_FORKS + " rounds of 1 fork per cell, 1×1 s warm-up, 3×1 s measurement" : "")
                        + (runLimiter ? "; RateLimiterBench." + limiterMethods + " admit ("
                                + String.join(", ", LIMITER_IMPLS) + "): " + EXTRA_ROUNDS + " more rounds of 1 fork per cell"
                                : "")
                        + (runStream ? "; StreamBench.filterMapReduce: " + EXTRA_ROUNDS + " more rounds of 1 fork per cell"
                                : "")
                        + (runPool ? "; WorkerPoolBench.endToEnd: one JMH invocation per cell, its implementations back "
                                + "to back" : ""), loadBefore,
                loadAverage());
        List<Path> results = new ArrayList<>();
        if (Files.exists(json)) {
            results.add(json);
        }
        results.addAll(poolJsons);
        results.addAll(longJsons);
        results.addAll(limiterJsons);
        results.addAll(streamJsons);
        List<Report.Row> rows = Report.read(results);
        String md = env + new Report(rows, accuracyRows(accuracyRan, tsv)).markdown();
        Files.writeString(out.resolve("report.md"), md, StandardCharsets.UTF_8);
        System.out.println();
        System.out.println(md);
    }
}
