package goflow.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import goflow.api.GoFlow;
import goflow.api.ratelimit.Rate;

/**
 * Admission accuracy: every limiter is configured for 1000 events/s with a burst of 100, left idle
 * long enough to fill its bucket, then offered events as fast as one thread can (round-robin over
 * the limiters, so all see the same window) for 10 s. Admitted events are compared with
 * {@code rate × elapsed + burst}. Resilience4j and Failsafe's bursty limiter are fixed windows
 * (100 permits per 100 ms), the nearest they have to a bucket of 100; Guava is its SmoothBursty
 * with 0.1 s of stored permits; Bucket4j a greedy bandwidth of capacity 100.
 *
 * <p>A token bucket offered without pause admits exactly {@code rate × elapsed + burst}. When the
 * offering thread loses its core for longer than {@code burst / rate} (100 ms: on a shared 2-core
 * machine it does), the tokens that would have overflowed the bucket meanwhile are forfeit by any
 * correct limiter; the report shows the error against both the plain and the gap-adjusted
 * expectation, and the longest gap.
 *
 * <p>Run: {@code java -cp goflow.bench/target/benchmarks.jar goflow.bench.Accuracy [seconds] [out.tsv]}
 */
public final class Accuracy {
    static final double RATE = 1000;
    static final long BURST = 100;

    private Accuracy() {
    }

    /** One limiter's outcome. */
    record Result(String impl, long admitted, double expected, double seconds, long maxGapNanos, double forfeited) {
        double errorPercent() {
            return (admitted - expected) * 100 / expected;
        }

        /** What a perfect bucket admits when offered with these gaps. */
        double adjustedExpected() {
            return expected - forfeited;
        }

        double adjustedErrorPercent() {
            return (admitted - adjustedExpected()) * 100 / adjustedExpected();
        }
    }

    static final String TSV_HEADER = "impl\tadmitted\texpected\tseconds\terrorPercent\tmaxGapMillis\tadjustedExpected"
            + "\tadjustedErrorPercent\n";

    static String tsv(List<Result> results) {
        StringBuilder tsv = new StringBuilder(TSV_HEADER);
        for (Result r : results) {
            tsv.append(String.format(Locale.ROOT, "%s\t%d\t%.1f\t%.6f\t%.4f\t%.1f\t%.1f\t%.4f%n", r.impl, r.admitted,
                    r.expected, r.seconds, r.errorPercent(), r.maxGapNanos / 1e6, r.adjustedExpected(),
                    r.adjustedErrorPercent()));
        }
        return tsv.toString();
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        List<Result> results = run(seconds);
        String tsv = tsv(results);
        System.out.print(tsv);
        if (args.length > 1) {
            Files.writeString(Path.of(args[1]), tsv, StandardCharsets.UTF_8);
        }
    }

    static List<Result> run(double seconds) throws InterruptedException, IOException {
        try (GoFlow goflow = GoFlow.load()) {
            Map<String, Peers.Limiter> limiters = new LinkedHashMap<>();
            goflow.api.ratelimit.RateLimiter ours = goflow.tokenBucket().rate(Rate.perSecond(RATE)).burst(BURST).build();
            limiters.put("goflow", ours::allow);
            com.google.common.util.concurrent.RateLimiter guava =
                    com.google.common.util.concurrent.GuavaBursty.create(RATE, BURST / RATE);
            limiters.put("guava", guava::tryAcquire);
            limiters.put("bucket4j", Peers.rateLimiter("bucket4j", goflow, RATE, BURST));
            limiters.put("bucket4jSync", Peers.rateLimiter("bucket4jSync", goflow, RATE, BURST));
            limiters.put("resilience4j", Peers.rateLimiter("resilience4j", goflow, RATE, BURST));
            limiters.put("failsafe", Peers.rateLimiter("failsafe", goflow, RATE, BURST));
            // Let every bucket fill (Guava starts empty; the others start full).
            Thread.sleep(Duration.ofMillis(300).toMillis());

            String[] names = limiters.keySet().toArray(new String[0]);
            Peers.Limiter[] ls = limiters.values().toArray(new Peers.Limiter[0]);
            long[] admitted = new long[ls.length];
            long[] last = new long[ls.length];
            long[] maxGap = new long[ls.length];
            // Time the bucket would have filled beyond its burst while this thread was not running.
            long[] forfeitNanos = new long[ls.length];
            long fillNanos = (long) (BURST / RATE * 1e9);
            long limit = (long) (seconds * 1e9);
            long t0 = System.nanoTime();
            java.util.Arrays.fill(last, t0);
            long now;
            do {
                for (int i = 0; i < ls.length; i++) {
                    if (ls[i].tryAcquire()) {
                        admitted[i]++;
                    }
                    long t = System.nanoTime();
                    long gap = t - last[i];
                    last[i] = t;
                    maxGap[i] = Math.max(maxGap[i], gap);
                    if (gap > fillNanos) {
                        forfeitNanos[i] += gap - fillNanos;
                    }
                }
                now = System.nanoTime();
            } while (now - t0 < limit);
            double elapsed = (now - t0) / 1e9;
            List<Result> out = new ArrayList<>();
            for (int i = 0; i < ls.length; i++) {
                out.add(new Result(names[i], admitted[i], RATE * elapsed + BURST, elapsed, maxGap[i],
                        RATE * forfeitNanos[i] / 1e9));
            }
            return out;
        }
    }
}
