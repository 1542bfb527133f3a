package goflow.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The rank-sum test against SciPy 1.17.1's {@code mannwhitneyu(a, b, alternative="two-sided")}
 * (the values in the comments), and its exact distribution against counting every ranking.
 */
class MannWhitneyTest {

    @Test
    void exactPValuesMatchScipyWhenNoValueRepeats() {
        // method="exact": 0.1, 0.0001554001554001554, 0.6857142857142857, 0.006993006993006993
        assertEquals(0.1, MannWhitney.pTwoSided(new double[] {1, 2, 3}, new double[] {4, 5, 6}), 1e-12);
        assertEquals(0.0001554001554001554, MannWhitney.pTwoSided(range(1, 8), range(9, 8)), 1e-15);
        assertEquals(0.6857142857142857, MannWhitney.pTwoSided(new double[] {1, 3, 5, 7}, new double[] {2, 4, 6, 8}), 1e-12);
        double[] pool = {130434, 128000, 131500, 129900, 133100, 127700, 130900, 126800};
        double[] executor = {139098, 137500, 128400, 141200, 136800, 134900, 131000, 140100};
        assertEquals(7, MannWhitney.u(pool, executor));
        assertEquals(0.006993006993006993, MannWhitney.pTwoSided(pool, executor), 1e-12);
        // symmetric in its arguments
        assertEquals(MannWhitney.pTwoSided(pool, executor), MannWhitney.pTwoSided(executor, pool), 1e-15);
    }

    @Test
    void tiesUseTheNormalApproximationWithTieAndContinuityCorrections() {
        // method="asymptotic", use_continuity=True: U = 8.5, p = 0.043051432728945134
        double[] a = {1, 2, 2, 3, 3, 3, 4};
        double[] b = {2, 3, 4, 4, 5, 5, 6};
        assertEquals(8.5, MannWhitney.u(a, b));
        assertEquals(0.043051432728945134, MannWhitney.pTwoSided(a, b), 1e-6);
    }

    @Test
    void largeSamplesUseTheNormalApproximation() {
        double[] a = new double[150];
        double[] b = new double[150];
        for (int i = 0; i < 150; i++) {
            a[i] = 100 + (i * 37) % 101;
            b[i] = 103 + (i * 53) % 103 + 0.5;
        }
        // method="asymptotic": U = 10523, p = 0.33351075966259347
        assertEquals(10523, MannWhitney.u(a, b));
        assertEquals(0.33351075966259347, MannWhitney.pTwoSided(a, b), 1e-6);
    }

    @Test
    void theExactDistributionCountsEveryRankingOfTheTwoSamples() {
        for (int n = 1; n <= 6; n++) {
            for (int m = 1; m <= 6; m++) {
                double[] counted = new double[n * m + 1];
                // every subset of n positions among n+m is a ranking; U = pairs where a ranks above b
                for (int mask = 0; mask < 1 << (n + m); mask++) {
                    if (Integer.bitCount(mask) != n) {
                        continue;
                    }
                    int u = 0;
                    int bsBelow = 0;
                    for (int pos = 0; pos < n + m; pos++) {
                        if ((mask & 1 << pos) != 0) {
                            u += bsBelow;
                        } else {
                            bsBelow++;
                        }
                    }
                    counted[u]++;
                }
                double[] computed = MannWhitney.distribution(n, m);
                for (int u = 0; u <= n * m; u++) {
                    assertEquals(counted[u], computed[u], "n=" + n + " m=" + m + " U=" + u);
                }
            }
        }
    }

    @Test
    void identicalSamplesAreNotToldApart() {
        assertEquals(1, MannWhitney.pTwoSided(new double[] {5, 5, 5}, new double[] {5, 5}));
        assertTrue(MannWhitney.pTwoSided(range(1, 8), range(1, 8)) > 0.9);
    }

    @Test
    void anEmptySampleOrNaNIsRefusedNamingTheSample() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
                () -> MannWhitney.pTwoSided(new double[0], new double[] {1}));
        assertTrue(empty.getMessage().contains("sample a is empty"), empty.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
                () -> MannWhitney.pTwoSided(new double[] {1}, new double[] {2, Double.NaN}));
        assertTrue(nan.getMessage().contains("sample b holds NaN"), nan.getMessage());
    }

    private static double[] range(int from, int count) {
        double[] r = new double[count];
        for (int i = 0; i < count; i++) {
            r[i] = from + i;
        }
        return r;
    }
}
