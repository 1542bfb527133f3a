package goflow.bench;

import java.util.Arrays;

/**
 * The two-sided Mann–Whitney U test (Wilcoxon rank-sum): whether two sets of measurement
 * iterations could come from the same distribution. The report uses it to say, for a target
 * missed, whether the iterations tell the two cells apart at all, as Go's {@code benchstat} marks
 * a difference it cannot distinguish from noise with {@code ~}.
 *
 * <p>Exact when no value occurs in both samples (the distribution of U as the coefficients of the
 * Gaussian binomial coefficient), otherwise the normal approximation with the tie correction and a
 * continuity correction (the textbook method, and SciPy's {@code mannwhitneyu(method="asymptotic")}).
 *
 * <p>Stateless; thread-safe.
 */
final class MannWhitney {
    /**
     * Above this many values in all, the normal approximation: as good there, where the exact
     * distribution costs n²m additions.
     */
    private static final int EXACT_MAX = 200;

    private MannWhitney() {
    }

    /**
     * The statistic U of {@code a}: the pairs (x from a, y from b) with x &gt; y, ties counting one half.
     */
    static double u(double[] a, double[] b) {
        double u = 0;
        for (double x : a) {
            for (double y : b) {
                u += x > y ? 1 : x == y ? 0.5 : 0;
            }
        }
        return u;
    }

    /**
     * The two-sided p-value of the hypothesis that {@code a} and {@code b} come from one
     * distribution.
     *
     * @throws IllegalArgumentException if either sample is empty or holds NaN
     */
    static double pTwoSided(double[] a, double[] b) {
        check("a", a);
        check("b", b);
        int n = a.length;
        int m = b.length;
        double u = u(a, b);
        if (!hasTies(a, b) && n + m <= EXACT_MAX) {
            double[] counts = distribution(n, m);
            double total = 0;
            for (double c : counts) {
                total += c;
            }
            int k = (int) u; // no ties: U is a whole number
            double below = 0;
            for (int i = 0; i <= k; i++) {
                below += counts[i];
            }
            double above = 0;
            for (int i = k; i < counts.length; i++) {
                above += counts[i];
            }
            return Math.min(1, 2 * Math.min(below, above) / total);
        }
        double[] all = new double[n + m];
        System.arraycopy(a, 0, all, 0, n);
        System.arraycopy(b, 0, all, n, m);
        Arrays.sort(all);
        double tieTerm = 0; // sum of t^3 - t over groups of t equal values
        for (int i = 0; i < all.length;) {
            int j = i;
            while (j < all.length && all[j] == all[i]) {
                j++;
            }
            double t = j - i;
            tieTerm += t * t * t - t;
            i = j;
        }
        double nm = (double) n * m;
        double mean = nm / 2;
        double variance = nm / 12 * ((n + m + 1) - tieTerm / ((double) (n + m) * (n + m - 1)));
        if (variance <= 0) {
            return 1; // every value equal
        }
        double z = (Math.abs(u - mean) - 0.5) / Math.sqrt(variance);
        return Math.min(1, 2 * upperNormalTail(Math.max(0, z)));
    }

    /** Whether a value of {@code a} also occurs in {@code b} or repeats within one sample. */
    private static boolean hasTies(double[] a, double[] b) {
        double[] all = new double[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        Arrays.sort(all);
        for (int i = 1; i < all.length; i++) {
            if (all[i] == all[i - 1]) {
                return true;
            }
        }
        return false;
    }

    /**
     * How many of the C(n+m, n) ways to rank n values among n+m give U = 0, 1, ..., nm: the
     * coefficients of the Gaussian binomial [n+m choose n]_q = prod_{i=1..n} (1 - q^(m+i)) / (1 - q^i).
     */
    static double[] distribution(int n, int m) {
        double[] c = new double[n * m + 1];
        c[0] = 1;
        int degree = 0;
        for (int i = 1; i <= n; i++) {
            // times (1 - q^(m+i)), from the top so every coefficient is read before it is changed
            int shift = m + i;
            for (int k = Math.min(c.length - 1, degree + shift); k >= shift; k--) {
                c[k] -= c[k - shift];
            }
            degree += shift;
            // divided by (1 - q^i): Q[k] = P[k] + Q[k - i], exact since the quotient is a polynomial
            for (int k = i; k < c.length; k++) {
                c[k] += c[k - i];
            }
            degree -= i;
        }
        return c;
    }

    /** P(Z &gt; z) for a standard normal Z (Abramowitz and Stegun 7.1.26 through erfc; error below 1.5e-7). */
    static double upperNormalTail(double z) {
        double x = z / Math.sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double erfc = poly * Math.exp(-x * x);
        return erfc / 2;
    }

    private static void check(String name, double[] sample) {
        if (sample.length == 0) {
            throw new IllegalArgumentException("sample " + name + " is empty: the test needs at least one value in each");
        }
        for (double v : sample) {
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("sample " + name + " holds NaN: every value must be a number");
            }
        }
    }
}
