package goflow.impl.ratelimit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import goflow.api.ratelimit.AdaptiveAlgorithm;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.AimdLimit;
import goflow.api.ratelimit.GradientLimit;
import goflow.api.ratelimit.VegasLimit;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;

/**
 * The scenario for each algorithm, simulated on a {@link ManualClock}: a server of capacity
 * 8 and 10 ms service time under 64 callers. The limit settles in [6, 16] and the 99th percentile
 * latency stays under 2× the unloaded latency; the server slows down 5×: the limit halves within a
 * few windows; the server recovers: so does the limit. Windows of 100 ms (and 10 outcomes).
 *
 * <p>Each run also writes its time series (a row per second) to
 * {@code target/adaptive-simulation/<algorithm>.md}: the tables of docs/adaptive.md come from
 * there ({@code mvn -pl goflow.impl -am verify -Dtest=AdaptiveSimulationTest -DskipITs}).
 */
class AdaptiveSimulationTest {
    private static final Duration SERVICE = Duration.ofMillis(10);
    private static final long UNLOADED = SERVICE.toNanos();
    private static final Duration WINDOW = Duration.ofMillis(100);
    private static final int TICKS_PER_SECOND = (int) (1_000_000_000L / ServerSimulation.TICK);
    private static final int TICKS_PER_WINDOW = (int) (WINDOW.toNanos() / ServerSimulation.TICK);

    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl goflow = new GoFlowImpl(clock, "simulation");

    @AfterEach
    void close() {
        goflow.close();
    }

    static Stream<Arguments> algorithms() {
        return Stream.of(Arguments.of(AimdLimit.withTimeout(Duration.ofMillis(15))), Arguments.of(VegasLimit.defaults()),
                Arguments.of(GradientLimit.defaults()));
    }

    private AdaptiveLimiter limiter(AdaptiveAlgorithm algorithm) {
        return limiter(algorithm, WINDOW);
    }

    private AdaptiveLimiter limiter(AdaptiveAlgorithm algorithm, Duration window) {
        return goflow.adaptiveLimiter().name(algorithm.label()).algorithm(algorithm).initialLimit(20).minLimit(1)
                .maxLimit(200).window(window, 10).clock(clock).build();
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void settlesNearTheCapacityHalvesWhenTheServerSlowsDownAndRecovers(AdaptiveAlgorithm algorithm) throws IOException {
        AdaptiveLimiter limiter = limiter(algorithm);
        ServerSimulation sim = new ServerSimulation(clock, limiter, 64, 8, SERVICE);
        StringBuilder table = new StringBuilder("| t (s) | server | limit (min–max) | p50 latency | p99 latency |\n"
                + "|---|---|---|---|---|\n");

        try {
            simulate(algorithm, sim, table);
        } finally {
            Path out = Path.of("target", "adaptive-simulation", algorithm.label() + ".md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, table.toString(), StandardCharsets.UTF_8);
        }
    }

    private void simulate(AdaptiveAlgorithm algorithm, ServerSimulation sim, StringBuilder table) {
        int[] warmup = sim.run(Duration.ofSeconds(10)).limits();
        report(table, sim, warmup, 0, "normal");
        sim.takeLatencies();
        ServerSimulation.Trace steadyTrace = sim.run(Duration.ofSeconds(20));
        int[] steady = steadyTrace.limits();
        long[] steadyLatencies = sim.takeLatencies();
        report(table, steady, 10, "normal", steadyLatencies);
        // every tick but those of probe windows (pinned to the minimum on purpose): a collapse to the
        // minimum outside a probe counts
        int low = steadyTrace.minOutsideProbes(0, steady.length);
        int high = steadyTrace.max(0, steady.length);
        assertTrue(low >= 6 && high <= 16, algorithm.label() + ": the limit stays in [6, 16] once settled: " + low
                + ".." + high);
        long p99 = ServerSimulation.percentile(steadyLatencies, 0.99);
        assertTrue(p99 < 2 * UNLOADED, algorithm.label() + ": p99 " + p99 / 1e6 + " ms, unloaded " + UNLOADED / 1e6);

        double settled = ServerSimulation.mean(steady, 0, steady.length);
        sim.slowdown(5);
        int[] slow = sim.run(Duration.ofSeconds(10)).limits();
        report(table, slow, 30, "5× slower", sim.takeLatencies());
        int windowsToHalve = -1;
        for (int t = 0; t < slow.length; t++) {
            if (slow[t] <= settled / 2) {
                windowsToHalve = t / TICKS_PER_WINDOW + 1;
                break;
            }
        }
        assertTrue(windowsToHalve > 0 && windowsToHalve <= 10, algorithm.label() + ": the limit (settled at "
                + settled + ") halves within 10 windows after the slowdown; it took " + windowsToHalve);

        sim.slowdown(1);
        ServerSimulation.Trace recoveredTrace = sim.run(Duration.ofSeconds(20));
        int[] recovered = recoveredTrace.limits();
        long[] recoveredLatencies = sim.takeLatencies();
        report(table, recovered, 40, "normal", recoveredLatencies);
        int from = 10 * TICKS_PER_SECOND; // the second half of the recovery
        int rlow = recoveredTrace.minOutsideProbes(from, recovered.length);
        int rhigh = recoveredTrace.max(from, recovered.length);
        assertTrue(rlow >= 6 && rhigh <= 16, algorithm.label() + ": the limit recovers into [6, 16]: " + rlow + ".."
                + rhigh);
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void aStreamOfTimeoutsNeverGrowsTheLimit(AdaptiveAlgorithm algorithm) {
        AdaptiveLimiter limiter = limiter(algorithm);
        ServerSimulation sim = new ServerSimulation(clock, limiter, 64, 8, SERVICE);
        sim.run(Duration.ofSeconds(10));
        // from now on every call times out: the backend answers nothing in time
        sim.completion((permit, latency) -> permit.dropped());
        ServerSimulation.Trace trace = sim.run(Duration.ofSeconds(10));
        int[] limits = trace.limits();
        for (int t = 1; t < limits.length; t++) {
            assertTrue(limits[t] <= limits[t - 1] || trace.probing()[t - 1] /* the end of a probe */,
                    algorithm.label() + ": the limit grew from " + limits[t - 1] + " to " + limits[t] + " at tick " + t);
        }
        assertTrue(limits[limits.length - 1] <= 2, algorithm.label() + ": ends near the minimum: " + limits[limits.length - 1]);
    }

    @ParameterizedTest
    @MethodSource("algorithms")
    void aLongOverloadDoesNotLetTheLimitCreepUp(AdaptiveAlgorithm algorithm) {
        AdaptiveLimiter limiter = limiter(algorithm);
        ServerSimulation sim = new ServerSimulation(clock, limiter, 64, 8, SERVICE);
        sim.run(Duration.ofSeconds(10));
        int[] early = sim.run(Duration.ofSeconds(30)).limits();
        sim.run(Duration.ofSeconds(60));
        ServerSimulation.Trace lateTrace = sim.run(Duration.ofSeconds(30));
        int[] late = lateTrace.limits();
        int earlyMax = ServerSimulation.max(early, 0, early.length);
        int lateMax = ServerSimulation.max(late, 0, late.length);
        assertTrue(lateMax <= earlyMax, algorithm.label() + ": the limit crept up from at most " + earlyMax
                + " to " + lateMax + " over two minutes of the same overload");
        // and in absolute terms: a creep that saturates early would pass the comparison above
        int lateMin = lateTrace.minOutsideProbes(0, late.length);
        assertTrue(lateMin >= 6 && lateMax <= 16, algorithm.label() + ": after two minutes of overload the limit"
                + " is still in the settled range [6, 16]: " + lateMin + ".." + lateMax);
        long p99 = ServerSimulation.percentile(sim.takeLatencies(), 0.99);
        assertTrue(p99 < 2 * UNLOADED, algorithm.label() + ": p99 " + p99 / 1e6 + " ms");
    }

    /** The latency-driven algorithms (AIMD follows drops and its sawtooth is its nature). */
    static Stream<Arguments> latencyDriven() {
        return Stream.of(Arguments.of(VegasLimit.defaults()), Arguments.of(GradientLimit.defaults()));
    }

    /**
     * Noise in the latency must not make the limit oscillate, under load or without: with ±50 % noise
     * on the service time and short windows (each window's average latency is noisy), the limit
     * outside probes stays within a band, and the probes keep to their schedule (Vegas: only the one
     * at the start; Gradient: every {@code refreshWindows} windows, each made up to three times). A
     * noisy window read as "faster than the no-load latency" would re-probe early, pinning the limit
     * to the minimum over and over: {@link #aGradientWithoutBufferReadsNoiseAsASpeedUpAndProbesOverAndOver}.
     */
    @ParameterizedTest
    @MethodSource("latencyDriven")
    void noiseInTheLatencyDoesNotMakeTheLimitOscillate(AdaptiveAlgorithm algorithm) {
        // the overload: 64 callers in front of a capacity of 8
        NoiseRun loaded = noiseRun(algorithm, 64);
        assertTrue(loaded.high - loaded.low <= 5 && loaded.low >= 6 && loaded.high <= 16, algorithm.label()
                + ": under load, with ±50 % noise the limit stays within 5 in [6, 16]: " + loaded);
        assertTrue(loaded.probeWindows <= maxProbeWindows(algorithm, loaded.windows), algorithm.label()
                + ": under load, noise does not bring probes forward: " + loaded);
        // a light load (6 callers, under the capacity): every latency is the no-load one plus noise
        NoiseRun light = noiseRun(algorithm, 6);
        assertTrue(light.probeWindows <= maxProbeWindows(algorithm, light.windows), algorithm.label()
                + ": without load, noise does not bring probes forward: " + light);
        assertTrue(light.low >= 15 && light.high <= 20, algorithm.label() + ": without load, the limit stays within"
                + " 5 of where it started (20), never above: 6 calls never fill half of it: " + light);
    }

    /** Envoy's lesson, the counter-case: without a buffer on the no-load latency, noise reads as a speed-up. */
    @Test
    void aGradientWithoutBufferReadsNoiseAsASpeedUpAndProbesOverAndOver() {
        GradientLimit noBuffer = new GradientLimit(0, GradientLimit.defaults().refreshWindows());
        NoiseRun light = noiseRun(noBuffer, 6);
        assertTrue(light.probeWindows > 2 * maxProbeWindows(noBuffer, light.windows), "without a buffer, noisy"
                + " windows faster than the no-load latency keep bringing probes forward: " + light);
    }

    /** What a noise run showed over 30 s after a 10 s warm-up: the limit outside probes, the probe windows. */
    private record NoiseRun(int low, int high, int probeWindows, long windows) {
    }

    private NoiseRun noiseRun(AdaptiveAlgorithm algorithm, int callers) {
        ManualClock c = new ManualClock();
        try (GoFlowImpl g = new GoFlowImpl(c, "noise")) {
            // short windows (about 20 calls each under load) and ±50 % noise: each window's average is noisy
            AdaptiveLimiter limiter = g.adaptiveLimiter().name(algorithm.label()).algorithm(algorithm).initialLimit(20)
                    .minLimit(1).maxLimit(200).window(Duration.ofMillis(20), 10).clock(c).build();
            ServerSimulation sim = new ServerSimulation(c, limiter, callers, 8, SERVICE);
            sim.noise(0.5); // each service time anywhere in [5, 15] ms
            sim.run(Duration.ofSeconds(10));
            ServerSimulation.Trace trace = sim.run(Duration.ofSeconds(30));
            int n = trace.ticks();
            return new NoiseRun(trace.minOutsideProbes(0, n), trace.max(0, n), trace.probeWindows(0, n),
                    trace.windowsEnded(0, n));
        }
    }

    /** The probe windows the algorithm's schedule allows in {@code windows} windows. */
    private static long maxProbeWindows(AdaptiveAlgorithm algorithm, long windows) {
        if (algorithm instanceof GradientLimit gradient) {
            // up to three attempts per refresh, and room for a rare early one (a window more than the buffer
            // faster than a no-load latency measured on the low side of the noise)
            return 4 * (windows / gradient.refreshWindows() + 1);
        }
        return 0; // Vegas probes once, at the start (in the warm-up)
    }

    private static void report(StringBuilder table, ServerSimulation sim, int[] limits, int startSecond, String server) {
        report(table, limits, startSecond, server, sim.takeLatencies());
    }

    /** A row per second: the limit's range and the latency percentiles of the requests completed in the phase. */
    private static void report(StringBuilder table, int[] limits, int startSecond, String server, long[] latencies) {
        for (int s = 0; s * TICKS_PER_SECOND < limits.length; s += 2) {
            int from = s * TICKS_PER_SECOND;
            int to = Math.min(limits.length, from + TICKS_PER_SECOND);
            table.append(String.format(Locale.ROOT, "| %d | %s | %d (%d–%d) | %s | %s |%n", startSecond + s, server,
                    limits[to - 1], ServerSimulation.min(limits, from, to), ServerSimulation.max(limits, from, to),
                    s == 0 ? ms(ServerSimulation.percentile(latencies, 0.5)) : "",
                    s == 0 ? ms(ServerSimulation.percentile(latencies, 0.99)) : ""));
        }
    }

    private static String ms(long nanos) {
        return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
}
