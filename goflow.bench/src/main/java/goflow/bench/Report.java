package goflow.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

/**
 * Turns a JMH JSON result (and optionally the accuracy TSV) into Markdown: one table per benchmark
 * method, a row per parameter set, a column per implementation, each cell the score, the allocation
 * per operation (when the gc profiler ran) and the cost ratio goflow ÷ that implementation (time
 * per operation, or 1/throughput: below 1 means goflow is cheaper). Then the DESIGN.md targets,
 * each met or missed; a target comparing two cells that is missed says whether their measurements
 * (fork medians, or iterations) tell them apart ({@link MannWhitney}).
 *
 * <p>Run: {@code java -cp goflow.bench/target/benchmarks.jar goflow.bench.Report result.json [more.json ...] [accuracy.tsv]}
 */
public final class Report {
    private static final String GC_NORM = "gc.alloc.rate.norm";
    private static final String OURS = "goflow";

    /** Below this p the measurements tell two cells apart. */
    static final double SIGNIFICANT = 0.05;

    /** Printed under the targets table: how to read the p of a target missed. */
    static final String P_VALUE_NOTE = "A target missed carries p, the two-sided Mann–Whitney U test of goflow's "
            + "measurements against the peer's (times the target's factor): below " + SIGNIFICANT + " they tell the two "
            + "apart; at or above it they do not (\"within noise\", benchstat's `~`). The unit is the fork's median where "
            + "both cells ran 3 forks or more, else the iteration; iterations of one fork share its compilation and heap "
            + "layout, so with one fork p understates the noise between forks.\n\n";

    /**
     * One JMH result row: {@code score} is the median of all the values in {@code forks}, the
     * primary metric of every measurement iteration, one array per fork (none for a percentile row).
     */
    record Row(String benchmark, String mode, Map<String, String> params, double score, double error,
            String unit, double bytesPerOp, double[][] forks) {
        /** A row whose iterations are not known. */
        Row(String benchmark, String mode, Map<String, String> params, double score, double error, String unit,
                double bytesPerOp) {
            this(benchmark, mode, params, score, error, unit, bytesPerOp, new double[0][]);
        }

        /** The implementation measured; a benchmark without an {@code impl} parameter measures ours. */
        String impl() {
            return params.getOrDefault("impl", OURS);
        }

        /** The cost of one operation in each iteration of every fork: time per op, or 1/throughput. */
        double[] costs() {
            return Arrays.stream(forks).flatMapToDouble(Arrays::stream).map(this::cost).toArray();
        }

        /** The median cost of each fork that has iterations. */
        double[] forkCosts() {
            return Arrays.stream(forks).filter(f -> f.length > 0).mapToDouble(f -> cost(median(f))).toArray();
        }

        private double cost(double value) {
            return mode.equals("thrpt") ? 1 / value : value;
        }

        /** Cost of one operation: time per op, or 1/throughput. */
        double cost() {
            return cost(score);
        }

        String key() {
            StringBuilder b = new StringBuilder();
            for (Map.Entry<String, String> e : params.entrySet()) {
                if (!e.getKey().equals("impl")) {
                    b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append('=').append(e.getValue());
                }
            }
            return b.length() == 0 ? "-" : b.toString();
        }
    }

    private final List<Row> rows;
    private final List<String[]> accuracy;

    Report(List<Row> rows, List<String[]> accuracy) {
        this.rows = rows;
        this.accuracy = accuracy;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: Report result.json [more-results.json ...] [accuracy.tsv]");
            System.exit(2);
        }
        List<Path> jsons = new ArrayList<>();
        List<String[]> accuracy = List.of();
        for (String a : args) {
            if (a.endsWith(".tsv")) {
                accuracy = readTsv(Path.of(a));
            } else {
                jsons.add(Path.of(a));
            }
        }
        System.out.print(new Report(read(jsons), accuracy).markdown());
    }

    /**
     * Reads several JMH results as one: a benchmark with the same mode and parameters in more than
     * one file (one fork per file, run in turns with its peers) becomes one row, whose median is over
     * the iterations of all its forks. Rows keep the order of their first appearance.
     */
    static List<Row> read(List<Path> jsons) throws IOException {
        Map<String, JsonObject> cells = new LinkedHashMap<>();
        for (Path json : jsons) {
            for (JsonElement el : JsonParser.parseString(Files.readString(json, StandardCharsets.UTF_8)).getAsJsonArray()) {
                JsonObject o = el.getAsJsonObject();
                String key = o.get("benchmark").getAsString() + " " + o.get("mode").getAsString() + " " + o.get("params");
                JsonObject first = cells.putIfAbsent(key, o);
                if (first != null) {
                    appendForks(first.getAsJsonObject("primaryMetric"), o.getAsJsonObject("primaryMetric"));
                    JsonObject firstSec = first.getAsJsonObject("secondaryMetrics");
                    JsonObject sec = o.getAsJsonObject("secondaryMetrics");
                    if (firstSec != null && sec != null && firstSec.has(GC_NORM) && sec.has(GC_NORM)) {
                        appendForks(firstSec.getAsJsonObject(GC_NORM), sec.getAsJsonObject(GC_NORM));
                    }
                }
            }
        }
        List<Row> out = new ArrayList<>();
        for (JsonObject o : cells.values()) {
            String bench = o.get("benchmark").getAsString();
            bench = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
            Map<String, String> params = new TreeMap<>();
            if (o.has("params")) {
                for (Map.Entry<String, JsonElement> p : o.getAsJsonObject("params").entrySet()) {
                    params.put(p.getKey(), p.getValue().getAsString());
                }
            }
            JsonObject pm = o.getAsJsonObject("primaryMetric");
            double err = pm.get("scoreError").isJsonPrimitive() && pm.get("scoreError").getAsJsonPrimitive().isNumber()
                    ? pm.get("scoreError").getAsDouble() : Double.NaN;
            double bytes = Double.NaN;
            JsonObject sec = o.getAsJsonObject("secondaryMetrics");
            if (sec != null && sec.has(GC_NORM) && sec.getAsJsonObject(GC_NORM).get("score").isJsonPrimitive()) {
                bytes = sec.getAsJsonObject(GC_NORM).get("score").getAsDouble();
            }
            if (o.get("mode").getAsString().equals("sample") && pm.has("scorePercentiles")) {
                // a latency distribution: its median and its 99th percentile, as two rows
                JsonObject pct = pm.getAsJsonObject("scorePercentiles");
                for (String[] p : new String[][] {{"50.0", ":p50"}, {"99.0", ":p99"}}) {
                    if (pct.has(p[0])) {
                        out.add(new Row(bench + p[1], "sample", params, pct.get(p[0]).getAsDouble(), Double.NaN,
                                pm.get("scoreUnit").getAsString(), bytes));
                    }
                }
                continue;
            }
            double[][] forks = forks(pm, "rawData");
            out.add(new Row(bench, o.get("mode").getAsString(), params, median(forks, pm.get("score").getAsDouble()),
                    err, pm.get("scoreUnit").getAsString(), sec == null || !sec.has(GC_NORM) ? bytes
                            : median(forks(sec.getAsJsonObject(GC_NORM), "rawData"), bytes), forks));
        }
        return out;
    }

    /** Adds the forks of {@code more}'s raw data to {@code into}'s. */
    private static void appendForks(JsonObject into, JsonObject more) {
        if (into.has("rawData") && into.get("rawData").isJsonArray() && more.has("rawData")
                && more.get("rawData").isJsonArray()) {
            into.getAsJsonArray("rawData").addAll(more.getAsJsonArray("rawData"));
        }
    }

    /**
     * The median of the per-iteration values of all forks ({@code fallback} when there are none):
     * on machines shared with other work an iteration that lost its core is an outlier, and the
     * median ignores it where the mean does not.
     */
    static double median(double[][] forks, double fallback) {
        double[] values = Arrays.stream(forks).flatMapToDouble(Arrays::stream).toArray();
        return values.length == 0 ? fallback : median(values);
    }

    /** The median of {@code values}, which must not be empty. */
    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    /** A metric's per-iteration values, an array per fork, in the order JMH wrote them; empty if none. */
    static double[][] forks(JsonObject metric, String field) {
        if (!metric.has(field) || !metric.get(field).isJsonArray()) {
            return new double[0][];
        }
        List<double[]> forks = new ArrayList<>();
        for (JsonElement fork : metric.getAsJsonArray(field)) {
            List<Double> values = new ArrayList<>();
            for (JsonElement v : fork.getAsJsonArray()) {
                if (v.isJsonPrimitive() && v.getAsJsonPrimitive().isNumber()) {
                    values.add(v.getAsDouble());
                }
            }
            forks.add(values.stream().mapToDouble(Double::doubleValue).toArray());
        }
        return forks.toArray(new double[0][]);
    }

    static List<String[]> readTsv(Path tsv) throws IOException {
        if (!Files.exists(tsv)) {
            return List.of();
        }
        List<String[]> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        for (String line : lines.subList(1, lines.size())) {
            if (!line.isBlank()) {
                out.add(line.split("\t"));
            }
        }
        return out;
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        Map<String, List<Row>> byBench = new LinkedHashMap<>();
        for (Row r : rows) {
            byBench.computeIfAbsent(r.benchmark, k -> new ArrayList<>()).add(r);
        }
        md.append("Cells: the median over measurement iterations, the allocation per operation (gc profiler, "
                + "median), and in brackets the cost ratio goflow ÷ that implementation (time per operation, or "
                + "1/throughput; below 1: goflow is cheaper). Means and JMH errors are in the JSON result.\n\n");
        for (Map.Entry<String, List<Row>> b : byBench.entrySet()) {
            Set<String> impls = new LinkedHashSet<>();
            impls.add(OURS);
            Map<String, Map<String, Row>> byKey = new LinkedHashMap<>();
            for (Row r : b.getValue()) {
                impls.add(r.impl());
                byKey.computeIfAbsent(r.key(), k -> new LinkedHashMap<>()).put(r.impl(), r);
            }
            Row any = b.getValue().get(0);
            md.append("#### ").append(b.getKey()).append(" (").append(any.unit).append(")\n\n| params |");
            for (String i : impls) {
                md.append(' ').append(i).append(" |");
            }
            md.append("\n|---|");
            md.append("---|".repeat(impls.size()));
            md.append('\n');
            for (Map.Entry<String, Map<String, Row>> k : byKey.entrySet()) {
                md.append("| ").append(k.getKey()).append(" |");
                Row ours = k.getValue().get(OURS);
                for (String i : impls) {
                    Row r = k.getValue().get(i);
                    md.append(' ').append(r == null ? "" : cell(r, ours)).append(" |");
                }
                md.append('\n');
            }
            md.append('\n');
        }
        if (!accuracy.isEmpty()) {
            md.append("#### Accuracy: 1000/s, burst 100, offered as fast as one thread can\n\n");
            md.append("| limiter | admitted | rate × time + burst | error | longest gap between offers | "
                    + "expected, less what gaps over burst/rate forfeit | error against that |\n"
                    + "|---|---|---|---|---|---|---|\n");
            for (String[] a : accuracy) {
                md.append(String.format(Locale.ROOT, "| %s | %s | %s | %+.3f %% | %s ms | %s | %+.3f %% |%n", a[0], a[1],
                        a[2], Double.parseDouble(a[4]), a[5], a[6], Double.parseDouble(a[7])));
            }
            md.append('\n');
        }
        md.append(targets());
        md.append(redisTargets());
        return md.toString();
    }

    private static String cell(Row r, Row ours) {
        StringBuilder c = new StringBuilder(num(r.score));
        if (!Double.isNaN(r.bytesPerOp)) {
            c.append(", ").append(num(r.bytesPerOp)).append(" B");
        }
        if (ours != null && r != ours) {
            c.append(String.format(Locale.ROOT, " (%.2f×)", ours.cost() / r.cost()));
        }
        return c.toString();
    }

    static String num(double v) {
        double a = Math.abs(v);
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        if (a >= 100 || a == 0) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    /**
     * The first row of {@code impl} whose benchmark ends with {@code bench} and whose parameters
     * include {@code kv} (name, value, ...). Name the class with the method ({@code
     * "RateLimiterBench.allow1"}): several benchmarks share method names ({@code LeakyBucketBench}
     * has an {@code allow1} too).
     */
    private Row find(String bench, String impl, String... kv) {
        outer:
        for (Row r : rows) {
            if (!r.benchmark.endsWith(bench) || !r.impl().equals(impl)) {
                continue;
            }
            for (int i = 0; i < kv.length; i += 2) {
                if (!kv[i + 1].equals(r.params.get(kv[i]))) {
                    continue outer;
                }
            }
            return r;
        }
        return null;
    }

    private List<Row> peers(String bench, String... kv) {
        List<Row> out = new ArrayList<>();
        for (Row r : rows) {
            if (!r.benchmark.endsWith(bench) || r.impl().equals(OURS) || r.impl().equals(CAS)) {
                continue;
            }
            boolean ok = true;
            for (int i = 0; i < kv.length; i += 2) {
                ok &= kv[i + 1].equals(r.params.get(kv[i]));
            }
            if (ok && !r.impl().startsWith(OURS)) {
                out.add(r);
            }
        }
        return out;
    }

    private static final String CAS = "casFloor";
    /** WorkerPoolBench's pool built with {@code measureTaskTimes(false)}: ours, but not {@link #OURS}. */
    private static final String POOL_UNTIMED = "goflowUntimed";

    private String targets() {
        StringBuilder t = new StringBuilder("#### DESIGN.md targets\n\n| target | measured | verdict |\n|---|---|---|\n");
        // Token bucket.
        double maxBytes = Double.NaN;
        for (Row r : rows) {
            if (r.benchmark.startsWith("RateLimiterBench") && r.impl().equals(OURS) && !Double.isNaN(r.bytesPerOp)) {
                maxBytes = Double.isNaN(maxBytes) ? r.bytesPerOp : Math.max(maxBytes, r.bytesPerOp);
            }
        }
        if (!Double.isNaN(maxBytes)) {
            line(t, "token bucket allow(): 0 B/op", "at most " + num(maxBytes) + " B/op", maxBytes < 1);
        }
        Row a1 = find("RateLimiterBench.allow1", OURS, "path", "admit");
        Row cas = find("RateLimiterBench.allow1", CAS, "path", "admit");
        if (a1 != null && cas != null) {
            double ratio = a1.score / cas.score;
            line(t, "allow(), 1 thread: ≤ 1.15× the CAS-and-clock floor",
                    String.format(Locale.ROOT, "%s vs %s ns: %.2f×", num(a1.score), num(cas.score), ratio), ratio <= 1.15,
                    a1, cas, 1.15);
        }
        for (String path : new String[] {"admit", "reject"}) {
            Row ours = find("RateLimiterBench.allow1", OURS, "path", path);
            Row best = best(peers("RateLimiterBench.allow1", "path", path));
            if (ours != null && best != null) {
                line(t, "allow() " + path + ", 1 thread: faster than every peer",
                        String.format(Locale.ROOT, "%s ns vs best peer %s %s ns", num(ours.score), best.impl(),
                                num(best.score)), ours.score < best.score, ours, best, 1);
            }
        }
        Row a2 = find("RateLimiterBench.allow2", OURS, "path", "admit");
        Row best2 = best(peers("RateLimiterBench.allow2", "path", "admit"));
        if (a2 != null && best2 != null) {
            line(t, "allow() admit, 2 threads: no slower than the best peer",
                    String.format(Locale.ROOT, "%s ns vs %s %s ns", num(a2.score), best2.impl(), num(best2.score)),
                    a2.score <= best2.score, a2, best2, 1);
        }
        Row rj = find("RateLimiterBench.allow1", OURS, "path", "reject");
        if (a1 != null && rj != null) {
            line(t, "allow(): reject path no slower than admit path",
                    String.format(Locale.ROOT, "reject %s ns, admit %s ns", num(rj.score), num(a1.score)),
                    rj.score <= a1.score + Math.max(0, Double.isNaN(rj.error) ? 0 : rj.error), rj, a1, 1);
        }
        for (String[] a : accuracy) {
            if (a[0].equals(OURS)) {
                double e = Double.parseDouble(a[4]);
                double adjusted = Double.parseDouble(a[7]);
                line(t, "admission accuracy: error ≤ 0.1 % over 10 s",
                        String.format(Locale.ROOT, "%s admitted: %+.3f %% against rate × time + burst; %+.3f %% against "
                                + "%s once the offering thread's stalls (longest %s ms) are taken out", a[1], e, adjusted,
                                a[6], a[5]), Math.abs(adjusted) <= 0.1);
            }
        }
        // Concurrency limiter.
        for (String m : new String[] {"acquireRelease1", "acquireRelease2"}) {
            Row ours = find(m, OURS);
            Row sem = find(m, "semaphore");
            if (ours != null && sem != null) {
                double ratio = ours.score / sem.score;
                line(t, "concurrency limiter tryAcquire+release within 1.2× Semaphore (" + threads(m) + ")",
                        String.format(Locale.ROOT, "%s vs %s ns: %.2f×", num(ours.score), num(sem.score), ratio),
                        ratio <= 1.2, ours, sem, 1.2);
            }
        }
        // Worker pool: DESIGN.md's target (and issue 19's decision) is the pool with exact task-time
        // statistics kept, the default, against a plain ThreadPoolExecutor of the same size and queue;
        // then each pool against the executor doing the same work (WorkerPoolBench's class comment).
        Set<String> poolCells = new LinkedHashSet<>();
        for (Row r : rows) {
            if (r.benchmark.endsWith("WorkerPoolBench.endToEnd")
                    && (r.impl().equals(OURS) || r.impl().equals(POOL_UNTIMED))
                    && poolCells.add(r.benchmark + " " + r.key())) {
                Row ours = sameCell(r, OURS);
                Row untimed = sameCell(r, POOL_UNTIMED);
                Row tpe = sameCell(r, "threadPoolExecutor");
                Row timed = sameCell(r, "threadPoolExecutorTimed");
                if (ours != null && tpe != null) {
                    line(t, "worker pool with exact task times (the default) ≥ ThreadPoolExecutor of the same size "
                                    + "and queue (" + r.key() + ")",
                            String.format(Locale.ROOT, "%s vs %s tasks/s: %.2f×", num(ours.score), num(tpe.score),
                                    ours.score / tpe.score), ours.score >= tpe.score, ours, tpe, 1);
                }
                if (untimed != null && tpe != null) {
                    line(t, "worker pool without task times ≥ ThreadPoolExecutor (" + r.key() + ")",
                            String.format(Locale.ROOT, "%s vs %s tasks/s: %.2f×", num(untimed.score), num(tpe.score),
                                    untimed.score / tpe.score), untimed.score >= tpe.score, untimed, tpe, 1);
                }
                if (ours != null && timed != null) {
                    line(t, "worker pool (task times measured, the default) ≥ ThreadPoolExecutor timing its tasks ("
                                    + r.key() + ")",
                            String.format(Locale.ROOT, "%s vs %s tasks/s: %.2f×", num(ours.score), num(timed.score),
                                    ours.score / timed.score), ours.score >= timed.score, ours, timed, 1);
                }
            }
        }
        // Stream.
        for (Row r : rows) {
            if (r.benchmark.endsWith("filterMapReduce") && r.impl().equals(OURS)) {
                Row jdk = find("StreamBench.filterMapReduce", "jdk", "size", r.params.get("size"));
                if (jdk != null) {
                    double ratio = r.score / jdk.score;
                    line(t, "stream filter/map/reduce within 1.5× java.util.stream (size " + r.params.get("size") + ")",
                            String.format(Locale.ROOT, "%s vs %s %s: %.2f×", num(r.score), num(jdk.score), r.unit, ratio),
                            ratio <= 1.5, r, jdk, 1.5);
                }
            }
        }
        for (String m : new String[] {"sortedDistinct", "sortedThenDistinct"}) {
            for (Row r : rows) {
                if (r.benchmark.endsWith("StreamBench." + m) && r.impl().equals(OURS)) {
                    Row jdk = find("StreamBench." + m, "jdk", "size", r.params.get("size"));
                    if (jdk != null) {
                        double ratio = r.score / jdk.score;
                        // "no more allocation": nothing per element beyond the JDK's; a goflow stream's own
                        // objects (its chain state, the terminal operation's cancellable scope) are a fixed
                        // cost under 1 KB per stream, stated in the measured column
                        double extra = r.bytesPerOp - jdk.bytesPerOp;
                        boolean noMoreBytes = Double.isNaN(extra) || extra < 1024;
                        line(t, "stream " + m + " within 1.1× java.util.stream, no more allocation per element (size "
                                        + r.params.get("size") + ")",
                                String.format(Locale.ROOT, "%s vs %s %s: %.2f×; %s vs %s B (%+.0f B per stream)",
                                        num(r.score), num(jdk.score), r.unit, ratio, num(r.bytesPerOp),
                                        num(jdk.bytesPerOp), extra),
                                ratio <= 1.1 && noMoreBytes, ratio <= 1.1 ? null : r, jdk, 1.1);
                    }
                }
            }
        }
        // Pipeline.
        for (Row r : rows) {
            if (r.benchmark.endsWith("PipelineBench.execute") && r.impl().equals(OURS)) {
                Row direct = find("PipelineBench.execute", "direct", "stages", r.params.get("stages"));
                if (direct != null) {
                    int n = Integer.parseInt(r.params.get("stages"));
                    double perStage = (r.score - direct.score) / n;
                    line(t, "pipeline overhead per stage < 1 µs (" + n + " stages)",
                            String.format(Locale.ROOT, "(%s − %s) / %d = %s ns", num(r.score), num(direct.score), n,
                                    num(perStage)), perStage < 1000);
                }
            }
        }
        Row p1 = find("PipelineBench.execute", OURS, "stages", "1");
        Row p10 = find("PipelineBench.execute", OURS, "stages", "10");
        if (p1 != null && p10 != null) {
            t.append(String.format(Locale.ROOT, "| pipeline: marginal cost of a stage | (%s − %s) / 9 = %s ns | (for information) |%n",
                    num(p10.score), num(p1.score), num((p10.score - p1.score) / 9)));
        }
        return t.append('\n').append(P_VALUE_NOTE).toString();
    }

    /** The row of {@code impl} measured with the same benchmark and parameters as {@code r}, or null. */
    private Row sameCell(Row r, String impl) {
        for (Row p : rows) {
            if (p.benchmark.equals(r.benchmark) && p.impl().equals(impl) && p.key().equals(r.key())) {
                return p;
            }
        }
        return null;
    }

    /**
     * The targets of the fleet-wide limiter on Redis (docs/redis.md), in their own table: they
     * depend on the machine beside the library (redis-server shares its cores), not on DESIGN.md.
     */
    private String redisTargets() {
        StringBuilder t = new StringBuilder();
        Row decision = find("RedisBench.latency:p50", OURS);
        Row incr = find("RedisBench.latency:p50", "incr");
        if (decision != null && incr != null) {
            double ratio = decision.score / incr.score;
            Row d99 = find("RedisBench.latency:p99", OURS);
            line(t, "Redis: p50 of a fleet-wide decision ≤ 1.5× a bare INCR round trip",
                    String.format(Locale.ROOT, "%s vs %s %s: %.2f× (p99 %s)", num(decision.score), num(incr.score),
                            decision.unit, ratio, d99 == null ? "n/a" : num(d99.score) + " " + d99.unit), ratio <= 1.5);
        }
        Row one = find("RedisBench.decide1", OURS);
        Row eight = find("RedisBench.decide8", OURS);
        if (one != null && eight != null) {
            double scale = eight.score / one.score;
            line(t, "Redis: 8 threads ≥ 4× one thread's decisions per second",
                    String.format(Locale.ROOT, "%s vs %s ops/s: %.1f×", num(eight.score), num(one.score), scale),
                    scale >= 4);
        }
        Row lease1 = find("RedisBench.decide1", "lease");
        Row lease8 = find("RedisBench.decide8", "lease");
        if (lease1 != null || lease8 != null) {
            double best = Math.max(lease1 == null ? 0 : lease1.score, lease8 == null ? 0 : lease8.score);
            line(t, "Redis with the local lease: ≥ 1 M decisions/s per node (hot key)",
                    String.format(Locale.ROOT, "%s ops/s (1 thread %s, 8 threads %s)", num(best),
                            lease1 == null ? "n/a" : num(lease1.score), lease8 == null ? "n/a" : num(lease8.score)),
                    best >= 1e6);
        }
        return t.length() == 0 ? "" : "#### Fleet-wide limiter on Redis targets (docs/redis.md)\n\n"
                + "| target | measured | verdict |\n|---|---|---|\n" + t + "\n";
    }

    private static String threads(String method) {
        return method.endsWith("2") ? "2 threads" : "1 thread";
    }

    private static Row best(List<Row> rs) {
        Row best = null;
        for (Row r : rs) {
            if (best == null || r.cost() < best.cost()) {
                best = r;
            }
        }
        return best;
    }

    private static void line(StringBuilder t, String target, String measured, boolean met) {
        t.append("| ").append(target).append(" | ").append(measured).append(" | ").append(met ? "met" : "**missed**")
                .append(" |\n");
    }

    /**
     * A target comparing two cells: missed, it says whether their iterations tell them apart, by
     * the rank-sum test of {@code ours}' costs against {@code factor} times {@code peer}'s.
     */
    private static void line(StringBuilder t, String target, String measured, boolean met, Row ours, Row peer,
            double factor) {
        t.append("| ").append(target).append(" | ").append(measured).append(" | ")
                .append(met ? "met" : "**missed**" + evidence(ours, peer, factor)).append(" |\n");
    }


    /**
     * {@code " (p = 0.003, 8 + 8 iterations)"} or {@code ", within noise (p = 0.410, 5 + 5 forks)"}
     * for {@code ours} against {@code factor} × {@code peer}, or "" when either has fewer than 3
     * values. The unit is the fork (its median) when both cells have 3 forks or more: a fork's
     * iterations share its compilation and heap layout, its forks do not.
     */
    static String evidence(Row ours, Row peer, double factor) {
        if (ours == null || peer == null) {
            return "";
        }
        double[] oursByFork = ours.forkCosts();
        double[] peerByFork = peer.forkCosts();
        boolean byFork = oursByFork.length >= 3 && peerByFork.length >= 3;
        double[] a = byFork ? oursByFork : ours.costs();
        double[] b = byFork ? peerByFork : peer.costs();
        if (a.length < 3 || b.length < 3) {
            return "";
        }
        for (int i = 0; i < b.length; i++) {
            b[i] *= factor;
        }
        double p = MannWhitney.pTwoSided(a, b);
        String shown = (p < 0.001 ? "p < 0.001" : String.format(Locale.ROOT, "p = %.3f", p)) + ", " + a.length + " + "
                + b.length + (byFork ? " forks" : " iterations");
        return p < SIGNIFICANT ? " (" + shown + ")" : ", within noise (" + shown + ")";
    }
}
