package goflow.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.impl.GoFlowImpl;

/** The pool A/B: its statistics, its class loading, one fork's rounds and the forks' verdict. */
class PoolABTest {

    private static Path implBuild() throws Exception {
        return Path.of(GoFlowImpl.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void signTestAndMedians() {
        // SciPy 1.17.1: binomtest(11, 12).pvalue = 0.00634765625 (26/4096), and so on
        assertEquals(0.00634765625, PoolAB.Result.signTestP(11, 12), 1e-12);
        assertEquals(0.00634765625, PoolAB.Result.signTestP(1, 12), 1e-12);
        assertEquals(0.02418198247326274, PoolAB.Result.signTestP(170, 300), 1e-12);
        assertEquals(0.0625, PoolAB.Result.signTestP(0, 5), 1e-12);
        assertEquals(1.0, PoolAB.Result.signTestP(2, 4), 1e-12);
        assertEquals(1.0, PoolAB.Result.signTestP(0, 0), 1e-12);
        assertEquals(2.5, Report.median(new double[] {4, 1, 3, 2}), 1e-12);
        assertEquals(0.5, PoolAB.Result.pairedMedian(new double[] {5, 5, 5, 20}, new double[] {10, 10, 10, 10}), 1e-12);
    }

    @Test
    void theVerdictCountsForksNotRounds() {
        PoolAB.Forks f = new PoolAB.Forks(new double[] {0.9, 0.8, 1.1, 0.7, 0.95},
                new double[] {1.2, 1.1, 1.0, 1.3, 1.2}, new double[] {1.0, 0.9, 1.1, 0.9, 1.1});
        String s = f.summary("execute", "noop", 2, 3000);
        assertTrue(s.startsWith("execute noop, 2 workers, 5 forks of 3000 rounds"), s);
        assertTrue(s.contains("B/A time 0.900 (median of the forks; range 0.700-1.100)"), s);
        assertTrue(s.contains("B faster in 4 of 5 forks (sign test p = 0.375)"), s); // binomtest(4, 5) = 0.375
        // the pool (A) against the executor, by the same forks: slower in all five
        assertTrue(s.contains("A/executor time 1.200 (median of the forks; range 1.000-1.300)"), s);
        assertTrue(s.contains("A faster in 0 of 5 forks (sign test p = 0.125)"), s); // one tie: binomtest(0, 4) = 0.125
    }

    @Test
    void loadsTheImplementationFromTheBuildAndTheApiFromTheParent() throws Exception {
        try (PoolAB.ImplFirstLoader loader = new PoolAB.ImplFirstLoader(implBuild(), getClass().getClassLoader())) {
            Class<?> impl = Class.forName("goflow.impl.GoFlowImpl", false, loader);
            assertNotSame(GoFlowImpl.class, impl, "goflow.impl must come from the build, not the parent");
            assertSame(loader, impl.getClassLoader());
            assertSame(GoFlow.class, Class.forName("goflow.api.GoFlow", false, loader));
        }
    }

    @Test
    void oneForkRunsBothBuildsAndTheExecutorRoundByRound() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        PoolAB.Result r = PoolAB.compare("submit", "cpu10us", 2, 10, 2, implBuild(), implBuild(),
                new PrintStream(progress, true, StandardCharsets.UTF_8));
        for (double[] side : new double[][] {r.a(), r.b(), r.executor()}) {
            assertEquals(10, side.length);
            for (double nanos : side) {
                assertTrue(nanos > 0 && Double.isFinite(nanos), "ns per task " + nanos);
            }
        }
        assertEquals(10, progress.toString(StandardCharsets.UTF_8).lines().count());
    }

    @Test
    void forksAlternateWhichBuildLoadsFirst() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        PoolAB.Forks f = PoolAB.forks("execute", "noop", 1, 10, 2, 2, implBuild(), implBuild(),
                new PrintStream(progress, true, StandardCharsets.UTF_8));
        assertEquals(2, f.bOverA().length);
        for (double r : f.bOverA()) {
            assertTrue(r > 0 && Double.isFinite(r), "ratio " + r);
        }
        String lines = progress.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("fork 1 (A loaded first)") && lines.contains("fork 2 (B loaded first)"), lines);
    }

    @Test
    void refusesWhatItCannotRun() {
        assertThrows(IllegalArgumentException.class,
                () -> PoolAB.compare("invokeAll", "noop", 2, 10, 2, implBuild(), implBuild(), System.out));
        IllegalArgumentException work = assertThrows(IllegalArgumentException.class,
                () -> PoolAB.compare("execute", "sleep", 2, 10, 2, implBuild(), implBuild(), System.out));
        assertTrue(work.getMessage().contains("sleep"), work.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> PoolAB.compare("execute",
                "noop", 2, 10, 2, Path.of("/nonexistent/goflow.impl"), implBuild(), System.out));
        assertTrue(missing.getMessage().contains("/nonexistent/goflow.impl"), missing.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> PoolAB.forks("execute", "noop", 2, 10, 2, 0, implBuild(), implBuild(), System.out));
    }
}
