package goflow.impl.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.AdaptiveLimiterStats;
import goflow.api.ratelimit.Permit;
import goflow.api.testing.ManualClock;

/**
 * A deterministic simulation, on a {@link ManualClock} and without threads, of callers in a closed
 * loop in front of a server, through an {@link AdaptiveLimiter}: each caller takes a permit (or
 * tries again at the next tick), sends one request, records success when it completes, and goes
 * again at once. The server has {@code capacity} workers and shares them among the requests in
 * it (processor sharing: with {@code n} requests, each progresses at {@code min(1, capacity / n)}),
 * so its latency is {@code service × max(1, n / capacity)}: no queueing below the capacity, and
 * latency proportional to the overload above it. Service times may carry noise (a uniform factor
 * in {@code [1 - noise, 1 + noise]}) and a slowdown factor that a test changes mid-run.
 *
 * <p>Not thread-safe; for tests.
 */
final class ServerSimulation {
    /** The simulation's time step. */
    static final long TICK = 100_000; // 0.1 ms

    private final ManualClock clock;
    private final AdaptiveLimiter limiter;
    private final int capacity;
    private final long serviceNanos;
    private final Random random = new Random(42);
    private int idleCallers;
    private final List<Request> inServer = new ArrayList<>();
    /** Latencies of completed requests, ns, since the last {@link #takeLatencies()}. */
    private long[] latencies = new long[1 << 16];
    private int latencyCount;
    private double slowdown = 1;
    private double noise;
    /** What a request does on completion; by default success(). */
    private Completion completion = (p, latency) -> p.success();
    private long elapsed;

    /** How a completed request is reported to the limiter. */
    interface Completion {
        void complete(Permit permit, long latencyNanos);
    }

    private static final class Request {
        final Permit permit;
        final long start;
        double workLeft;

        Request(Permit permit, long start, double work) {
            this.permit = permit;
            this.start = start;
            this.workLeft = work;
        }
    }

    ServerSimulation(ManualClock clock, AdaptiveLimiter limiter, int callers, int capacity, Duration service) {
        this.clock = clock;
        this.limiter = limiter;
        this.idleCallers = callers;
        this.capacity = capacity;
        this.serviceNanos = service.toNanos();
    }

    AdaptiveLimiter limiter() {
        return limiter;
    }

    void slowdown(double factor) {
        this.slowdown = factor;
    }

    void noise(double fraction) {
        this.noise = fraction;
    }

    void completion(Completion c) {
        this.completion = c;
    }

    /** Simulated time so far. */
    Duration elapsed() {
        return Duration.ofNanos(elapsed);
    }

    /**
     * What the limiter did at each tick of a run: its limit, whether the window was a probe (the limit
     * pinned to the minimum while the no-load latency is measured), and how many windows had ended.
     *
     * @param limits the limit after each tick
     * @param probing whether a probe window was under way after each tick
     * @param windows the limiter's count of ended windows after each tick
     * @param probingBefore whether a probe was under way when the run began
     * @param windowsBefore the count of ended windows when the run began
     */
    record Trace(int[] limits, boolean[] probing, long[] windows, boolean probingBefore, long windowsBefore) {
        int ticks() {
            return limits.length;
        }

        /** The least limit of the ticks in [from, to) outside probe windows, or 0 if all were probes. */
        int minOutsideProbes(int from, int to) {
            int m = Integer.MAX_VALUE;
            for (int i = from; i < to; i++) {
                if (!probing[i]) {
                    m = Math.min(m, limits[i]);
                }
            }
            return m == Integer.MAX_VALUE ? 0 : m;
        }

        /** The greatest limit of the ticks in [from, to). */
        int max(int from, int to) {
            return ServerSimulation.max(limits, from, to);
        }

        /**
         * How many probe windows ended in the ticks [from, to): each attempt of a repeated probe
         * counts.
         */
        int probeWindows(int from, int to) {
            int n = 0;
            for (int i = from; i < to; i++) {
                boolean probeBefore = i == 0 ? probingBefore : probing[i - 1];
                long windowsBeforeTick = i == 0 ? windowsBefore : windows[i - 1];
                if (probeBefore && windows[i] > windowsBeforeTick) {
                    n++;
                }
            }
            return n;
        }

        /** How many windows ended in the ticks [from, to). */
        long windowsEnded(int from, int to) {
            return windows[to - 1] - (from == 0 ? windowsBefore : windows[from - 1]);
        }
    }

    /**
     * Runs for {@code d}.
     *
     * @return the limit, the probes and the windows at each tick
     */
    Trace run(Duration d) {
        int ticks = (int) (d.toNanos() / TICK);
        int[] limits = new int[ticks];
        boolean[] probing = new boolean[ticks];
        long[] windows = new long[ticks];
        AdaptiveLimiterStats before = limiter.stats();
        for (int t = 0; t < ticks; t++) {
            while (idleCallers > 0) {
                Optional<Permit> p = limiter.tryAcquirePermit();
                if (p.isEmpty()) {
                    break;
                }
                idleCallers--;
                double factor = noise == 0 ? 1 : 1 - noise + 2 * noise * random.nextDouble();
                inServer.add(new Request(p.get(), clock.nanoTime(), serviceNanos * slowdown * factor));
            }
            double share = inServer.isEmpty() ? 1 : Math.min(1.0, (double) capacity / inServer.size());
            clock.advance(Duration.ofNanos(TICK));
            elapsed += TICK;
            for (Iterator<Request> it = inServer.iterator(); it.hasNext();) {
                Request r = it.next();
                r.workLeft -= TICK * share;
                if (r.workLeft <= 1e-6) {
                    it.remove();
                    long latency = clock.nanoTime() - r.start;
                    if (latencyCount == latencies.length) {
                        latencies = Arrays.copyOf(latencies, latencyCount * 2);
                    }
                    latencies[latencyCount++] = latency;
                    completion.complete(r.permit, latency);
                    idleCallers++;
                }
            }
            AdaptiveLimiterStats s = limiter.stats();
            limits[t] = s.limit();
            probing[t] = s.probing();
            windows[t] = s.windows();
        }
        return new Trace(limits, probing, windows, before.probing(), before.windows());
    }

    /** The latencies since the last call, sorted. */
    long[] takeLatencies() {
        long[] out = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(out);
        latencyCount = 0;
        return out;
    }

    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static int min(int[] xs, int from, int to) {
        int m = Integer.MAX_VALUE;
        for (int i = from; i < to; i++) {
            m = Math.min(m, xs[i]);
        }
        return m;
    }

    static int max(int[] xs, int from, int to) {
        int m = Integer.MIN_VALUE;
        for (int i = from; i < to; i++) {
            m = Math.max(m, xs[i]);
        }
        return m;
    }

    static double mean(int[] xs, int from, int to) {
        double sum = 0;
        for (int i = from; i < to; i++) {
            sum += xs[i];
        }
        return sum / (to - from);
    }
}
