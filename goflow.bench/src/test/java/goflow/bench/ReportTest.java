package goflow.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

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
}
