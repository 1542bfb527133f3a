package goflow.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's target table reads each target from the benchmark it is about. */
class ReportTest {

    private static Report.Row row(String bench, String impl, String path, double nanos) {
        Map<String, String> params = new TreeMap<>();
        params.put("impl", impl);
        params.put("path", path);
        return new Report.Row(bench, "avgt", params, nanos, 0.1, "ns/op", 0);
    }

    /** The leaky bucket's rows of the same method names, first in JMH's (alphabetical) order. */
    private static List<Report.Row> leakyBucketFirst() {
        List<Report.Row> rows = new ArrayList<>();
        rows.add(row("LeakyBucketBench.allow1", "goflow", "admit", 10));
        rows.add(row("LeakyBucketBench.allow1", "goflow", "reject", 9));
        rows.add(row("LeakyBucketBench.allow1", "guava", "admit", 11));
        rows.add(row("LeakyBucketBench.allow1", "guava", "reject", 12));
        rows.add(row("LeakyBucketBench.allow2", "goflow", "admit", 20));
        rows.add(row("LeakyBucketBench.allow2", "guava", "admit", 21));
        rows.add(row("RateLimiterBench.allow1", "goflow", "admit", 40));
        rows.add(row("RateLimiterBench.allow1", "goflow", "reject", 33));
        rows.add(row("RateLimiterBench.allow1", "casFloor", "admit", 34));
        rows.add(row("RateLimiterBench.allow1", "resilience4j", "admit", 42));
        rows.add(row("RateLimiterBench.allow1", "bucket4j", "reject", 38));
        rows.add(row("RateLimiterBench.allow2", "goflow", "admit", 93));
        rows.add(row("RateLimiterBench.allow2", "resilience4j", "admit", 94));
        return rows;
    }

    @Test
    void tokenBucketTargetsAreReadFromTheTokenBucketsBenchmarkNotALeakyBucketsOfTheSameName() {
        String md = new Report(leakyBucketFirst(), List.of()).markdown();
        assertTrue(md.contains("| allow(), 1 thread: ≤ 1.15× the CAS-and-clock floor | 40.0 vs 34.0 ns: 1.18× | **missed** |"), md);
        assertTrue(md.contains("| allow() admit, 1 thread: faster than every peer | 40.0 ns vs best peer resilience4j 42.0 ns | met |"), md);
        assertTrue(md.contains("| allow() reject, 1 thread: faster than every peer | 33.0 ns vs best peer bucket4j 38.0 ns | met |"), md);
        assertTrue(md.contains("| allow() admit, 2 threads: no slower than the best peer | 93.0 ns vs resilience4j 94.0 ns | met |"), md);
        assertTrue(md.contains("| allow(): reject path no slower than admit path | reject 33.0 ns, admit 40.0 ns | met |"), md);
    }

    /** One JMH result entry of StreamBench.sortedDistinct with one fork of the given iterations. */
    private static String result(String impl, String... forks) {
        String raw = "[" + String.join(",", forks) + "]";
        return "{\"benchmark\":\"goflow.bench.StreamBench.sortedDistinct\",\"mode\":\"avgt\","
                + "\"params\":{\"impl\":\"" + impl + "\",\"size\":\"100000\"},"
                + "\"primaryMetric\":{\"score\":0,\"scoreError\":0,\"scoreUnit\":\"us/op\",\"rawData\":" + raw + "},"
                + "\"secondaryMetrics\":{\"gc.alloc.rate.norm\":{\"score\":0,\"rawData\":[[100]]}}}";
    }

    @Test
    void forksOfOneCellFromSeveralRoundsAreOneRowWithTheMedianOfAllTheirIterations(@TempDir Path dir)
            throws IOException {
        Path round1 = Files.writeString(dir.resolve("r1.json"),
                "[" + result("goflow", "[10,11,12]") + "," + result("jdk", "[20,21,22]") + "]");
        Path round2 = Files.writeString(dir.resolve("r2.json"),
                "[" + result("goflow", "[30,31,32]") + "," + result("jdk", "[5,6,7]") + "]");
        Path round3 = Files.writeString(dir.resolve("r3.json"), "[" + result("goflow", "[13,14,15]") + "]");
        List<Report.Row> rows = Report.read(List.of(round1, round2, round3));
        assertEquals(2, rows.size(), rows.toString());
        assertEquals("StreamBench.sortedDistinct", rows.get(0).benchmark());
        assertEquals("goflow", rows.get(0).impl());
        assertEquals(14, rows.get(0).score()); // median of 10..15 and 30..32, not of one round
        assertEquals("jdk", rows.get(1).impl());
        assertEquals(13.5, rows.get(1).score()); // median of 5, 6, 7, 20, 21, 22
        assertEquals(100, rows.get(1).bytesPerOp());
    }

    /** A WorkerPoolBench cell (tasks per second) with its iterations. */
    private static Report.Row poolCell(String impl, String workers, double... iterations) {
        Map<String, String> params = new TreeMap<>();
        params.put("impl", impl);
        params.put("workers", workers);
        double[] sorted = iterations.clone();
        java.util.Arrays.sort(sorted);
        return new Report.Row("WorkerPoolBench.endToEnd", "thrpt", params, sorted[sorted.length / 2], 0, "ops/s", 0,
                new double[][] {iterations});
    }

    @Test
    void aMissedTargetSaysWhetherTheIterationsTellTheTwoCellsApart() {
        List<Report.Row> rows = List.of(
                // behind in every iteration: a difference (exact p = 2/C(16,8))
                poolCell("goflowUntimed", "2", 100, 101, 102, 103, 104, 105, 106, 107),
                poolCell("threadPoolExecutor", "2", 110, 111, 112, 113, 114, 115, 116, 117),
                // the medians differ, the iterations interleave: noise (p = 0.6857 as SciPy's exact test gives)
                poolCell("goflowUntimed", "4", 100, 102, 104, 106),
                poolCell("threadPoolExecutor", "4", 101, 103, 105, 107),
                // met: no p
                poolCell("goflowUntimed", "8", 120, 121, 122),
                poolCell("threadPoolExecutor", "8", 100, 101, 102));
        String md = new Report(rows, List.of()).markdown();
        assertTrue(md.contains("(workers=2) | 104 vs 114 tasks/s: 0.91× | **missed** (p < 0.001, 8 + 8 iterations) |"), md);
        assertTrue(md.contains("(workers=4) | 104 vs 105 tasks/s: 0.99× | **missed**, within noise (p = 0.686, 4 + 4 iterations) |"), md);
        assertTrue(md.contains("(workers=8) | 121 vs 101 tasks/s: 1.20× | met |"), md);
        assertTrue(md.contains(Report.P_VALUE_NOTE), md);
    }

    @Test
    void eachPoolIsComparedWithTheExecutorDoingTheSameWorkAndTheDefaultPoolWithThePlainOne() {
        List<Report.Row> rows = List.of(
                poolCell("goflow", "2", 90, 91, 92),
                poolCell("goflowUntimed", "2", 110, 111, 112),
                poolCell("threadPoolExecutor", "2", 100, 101, 102),
                poolCell("threadPoolExecutorTimed", "2", 95, 96, 97),
                // a cell without the timed executor: no target for the default pool, the other two lines
                poolCell("goflow", "4", 80, 81, 82),
                poolCell("goflowUntimed", "4", 70, 71, 72),
                poolCell("threadPoolExecutor", "4", 100, 101, 102));
        String md = new Report(rows, List.of()).markdown();
        assertTrue(md.contains("| worker pool without task times ≥ ThreadPoolExecutor (workers=2) | 111 vs 101 tasks/s: "
                + "1.10× | met |"), md);
        assertTrue(md.contains("| worker pool (task times measured, the default) ≥ ThreadPoolExecutor timing its tasks "
                + "(workers=2) | 91.0 vs 96.0 tasks/s: 0.95× | **missed**, within noise (p = 0.100, 3 + 3 iterations) |"), md);
        assertTrue(md.contains("| worker pool with exact task times (the default) ≥ ThreadPoolExecutor of the same size "
                + "and queue (workers=2) | 91.0 vs 101 tasks/s: 0.90× | **missed**, within noise (p = 0.100, 3 + 3 "
                + "iterations) |"), md);
        assertTrue(md.contains("| worker pool without task times ≥ ThreadPoolExecutor (workers=4) | 71.0 vs 101 tasks/s: "
                + "0.70× | **missed**, within noise (p = 0.100, 3 + 3 iterations) |"), md);
        assertTrue(md.contains("| worker pool with exact task times (the default) ≥ ThreadPoolExecutor of the same size "
                + "and queue (workers=4) | 81.0 vs 101 tasks/s: 0.80× | **missed**, within noise (p = 0.100, 3 + 3 "
                + "iterations) |"), md);
        assertTrue(!md.contains("timing its tasks (workers=4)"), md);
        // one set of lines per cell, whichever of the two pools' rows comes first
        assertEquals(1, md.split("without task times ≥ ThreadPoolExecutor \\(workers=2\\)", -1).length - 1, md);
        assertEquals(1, md.split("of the same size and queue \\(workers=2\\)", -1).length - 1, md);
        // the untimed pool is a column of the table, after goflow, and the old single target is gone
        assertTrue(md.contains("| params | goflow | goflowUntimed | threadPoolExecutor | threadPoolExecutorTimed |"), md);
        assertTrue(!md.contains("| worker pool ≥ ThreadPoolExecutor"), md);
    }

    /**
     * DESIGN.md and issue 19: the pool with exact task-time statistics kept (the default, {@code goflow})
     * at least as fast as a plain ThreadPoolExecutor of the same size and queue. That is a verdict, whatever
     * the comparisons of each pool with the executor doing the same work say.
     */
    @Test
    void theDefaultPoolAgainstThePlainExecutorIsTheDesignTargetNotInformation() {
        List<Report.Row> rows = List.of(
                poolCell("goflow", "2", 90, 91, 92, 93, 94, 95, 96, 97),
                poolCell("goflowUntimed", "2", 110, 111, 112, 113, 114, 115, 116, 117),
                poolCell("threadPoolExecutor", "2", 100, 101, 102, 103, 104, 105, 106, 107),
                poolCell("threadPoolExecutorTimed", "2", 80, 81, 82, 83, 84, 85, 86, 87));
        String md = new Report(rows, List.of()).markdown();
        // the two same-work comparisons are met ...
        assertTrue(md.contains("| worker pool without task times ≥ ThreadPoolExecutor (workers=2) | 114 vs 104 tasks/s: "
                + "1.10× | met |"), md);
        assertTrue(md.contains("timing its tasks (workers=2) | 94.0 vs 84.0 tasks/s: 1.12× | met |"), md);
        // ... and the target as written is missed, with its evidence
        assertTrue(md.contains("| worker pool with exact task times (the default) ≥ ThreadPoolExecutor of the same size and "
                + "queue (workers=2) | 94.0 vs 104 tasks/s: 0.90× | **missed** (p < 0.001, 8 + 8 iterations) |"), md);
        assertTrue(!md.contains("vs plain ThreadPoolExecutor"), md);
    }

    @Test
    void aRowReadFromJmhKeepsTheIterationsOfEachFork(@TempDir Path dir) throws IOException {
        Path round1 = Files.writeString(dir.resolve("r1.json"), "[" + result("goflow", "[10,11]", "[12]") + "]");
        Path round2 = Files.writeString(dir.resolve("r2.json"), "[" + result("goflow", "[30]") + "]");
        Report.Row row = Report.read(List.of(round1, round2)).get(0);
        assertEquals(3, row.forks().length);
        assertEquals(List.of(10.0, 11.0, 12.0, 30.0), java.util.Arrays.stream(row.costs()).boxed().toList());
        assertEquals(List.of(10.5, 12.0, 30.0), java.util.Arrays.stream(row.forkCosts()).boxed().toList());
    }

    /** A StreamBench.sortedDistinct cell (µs per operation) with one fork per array. */
    private static Report.Row streamCell(String impl, double[]... forks) {
        Map<String, String> params = new TreeMap<>();
        params.put("impl", impl);
        params.put("size", "1000");
        double median = Report.median(java.util.Arrays.stream(forks).flatMapToDouble(java.util.Arrays::stream).toArray());
        return new Report.Row("StreamBench.sortedDistinct", "avgt", params, median, 0, "us/op", 100, forks);
    }

    @Test
    void withThreeForksOrMoreOnBothSidesTheForkIsTheUnitOfTheTest() {
        // Three of goflow's five forks in a slow mode: its iterations (15) against the JDK's would call
        // the difference significant although only the forks differ; by fork it is 5 + 5 values.
        double[][] ours = {{27, 27.1, 27.2}, {41, 41.1, 41.2}, {26.9, 27, 27.1}, {40.5, 40.6, 40.7}, {42, 42.1, 42.2}};
        double[][] jdk = {{25.5, 25.6, 25.7}, {25, 25.1, 25.2}, {25.8, 25.9, 26}, {35.7, 35.8, 35.9}, {26.2, 26.3, 26.4}};
        String md = new Report(List.of(streamCell("goflow", ours), streamCell("jdk", jdk)), List.of()).markdown();
        assertTrue(md.contains("| 40.6 vs 25.9 us/op: 1.57×; 100 vs 100 B (+0 B per stream) | **missed**, within noise "
                + "(p = 0.690, 5 + 5 forks) |"), md);
    }
}
