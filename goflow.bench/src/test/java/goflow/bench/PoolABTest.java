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

/** The interleaved pool A/B: its statistics, its class loading and a short real run. */
class PoolABTest {

    private static Path implBuild() throws Exception {
        return Path.of(GoFlowImpl.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void pairsRoundsForTheRatioAndTheSignTest() {
        double[] a = {10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10};
        double[] b = {5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 20};
        PoolAB.Result r = new PoolAB.Result(a, b, a);
        assertEquals(0.5, PoolAB.Result.pairedMedian(b, a), 1e-12);
        assertEquals(11, r.bFaster());
        // SciPy 1.17.1: binomtest(11, 12).pvalue = 0.00634765625 (26/4096)
        assertEquals(0.00634765625, r.signTestP(), 1e-12);
        assertEquals(0.02418198247326274, PoolAB.Result.signTestP(170, 300), 1e-12);
        assertEquals(0.0625, PoolAB.Result.signTestP(0, 5), 1e-12);
        PoolAB.Result tie = new PoolAB.Result(a, a.clone(), a);
        assertEquals(1.0, tie.signTestP(), 1e-12);
        PoolAB.Result half = new PoolAB.Result(new double[] {1, 2, 1, 2}, new double[] {2, 1, 2, 1}, a);
        assertEquals(1.0, half.signTestP(), 1e-12);
        assertEquals(2.5, PoolAB.median(new double[] {4, 1, 3, 2}), 1e-12);
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
    void comparesTwoBuildsAndTheExecutorRoundByRound() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        PoolAB.Result r = PoolAB.compare("submit", 2, 10, implBuild(), implBuild(),
                new PrintStream(progress, true, StandardCharsets.UTF_8));
        for (double[] side : new double[][] {r.a(), r.b(), r.executor()}) {
            assertEquals(10, side.length);
            for (double nanos : side) {
                assertTrue(nanos > 0 && Double.isFinite(nanos), "ns per task " + nanos);
            }
        }
        assertEquals(10, progress.toString(StandardCharsets.UTF_8).lines().count());
        assertTrue(r.summary("submit", 2).contains("B faster than A in " + r.bFaster() + " of 10 rounds"));
    }

    @Test
    void refusesWhatItCannotRun() {
        assertThrows(IllegalArgumentException.class,
                () -> PoolAB.compare("invokeAll", 2, 10, implBuild(), implBuild(), System.out));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> PoolAB.compare("execute", 2, 10, Path.of("/nonexistent/goflow.impl"), implBuild(), System.out));
        assertTrue(missing.getMessage().contains("/nonexistent/goflow.impl"), missing.getMessage());
    }
}
