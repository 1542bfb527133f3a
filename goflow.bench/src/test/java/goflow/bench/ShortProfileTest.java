package goflow.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The short profile's report reads only what this run measured. */
class ShortProfileTest {

    @Test
    void anAccuracyFileLeftByAnEarlierRunIsNotReportedAsThisRunsAccuracy(@TempDir Path out) throws IOException {
        Path tsv = out.resolve("accuracy.tsv");
        Files.writeString(tsv, Accuracy.TSV_HEADER + "goflow\t10097\t10100.0\t10.000000\t-0.0300\t1.0\t10100.0\t-0.0300\n");
        // a run naming benchmarks does not run the accuracy check: the earlier run's file is not its result
        List<String[]> notRun = ShortProfile.accuracyRows(false, tsv);
        assertTrue(notRun.isEmpty(), "rows of an earlier run: " + notRun.size());
        String md = new Report(List.of(), notRun).markdown();
        assertTrue(!md.contains("admission accuracy"), md);
        // a run that ran it reports it
        assertEquals("goflow", ShortProfile.accuracyRows(true, tsv).get(0)[0]);
    }

    private static boolean matches(String pattern, String benchmark) {
        return Pattern.compile(pattern).matcher(benchmark).find();
    }

    @Test
    void theCellsRunApartAreThoseTheArgumentsSelectAsJmhWould() {
        String allow1 = "goflow.bench.RateLimiterBench.allow1";
        String allow2 = "goflow.bench.RateLimiterBench.allow2";
        // no arguments: everything
        ShortProfile.Apart all = ShortProfile.Apart.of(new String[0]);
        assertTrue(all.sorted() && all.stream() && all.pool(), all.toString());
        assertTrue(matches(all.limiter(), allow1) && matches(all.limiter(), allow2), all.limiter());
        // allow2 named: its extra rounds only, not allow1's (whose targets would then compare goflow with
        // the two peers of the extra rounds alone: "faster than every peer" over 2 of 5 peers)
        ShortProfile.Apart two = ShortProfile.Apart.of(new String[] {"RateLimiterBench.allow2"});
        assertTrue(matches(two.limiter(), allow2), two.limiter());
        assertFalse(matches(two.limiter(), allow1), two.limiter());
        assertFalse(two.sorted() || two.stream() || two.pool(), two.toString());
        // a stream benchmark that is neither the sorted cells nor filter/map/reduce selects neither
        ShortProfile.Apart chain = ShortProfile.Apart.of(new String[] {"StreamBench.goChain"});
        assertFalse(chain.sorted() || chain.stream(), chain.toString());
        assertNull(chain.limiter());
        // a pattern selecting the pool without its class's name: its cells must still run apart (in the main
        // run JMH would run a cell's implementations minutes apart)
        assertTrue(ShortProfile.Apart.of(new String[] {"endToEnd"}).pool());
        assertTrue(ShortProfile.Apart.of(new String[] {"goflow\\.bench\\..*"}).pool());
        assertTrue(ShortProfile.Apart.of(new String[] {"Distinct"}).sorted());
        assertFalse(ShortProfile.Apart.of(new String[] {"PoolShutdownBench"}).pool());
    }
}
