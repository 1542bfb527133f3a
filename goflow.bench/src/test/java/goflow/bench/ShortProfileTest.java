package goflow.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
}
