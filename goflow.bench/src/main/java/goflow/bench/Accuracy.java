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
 * <p>Run: {@code java -cp goflow.bench/target/benchmarks.jar goflow.bench.Accuracy [seconds] [out.tsv]}
 */
public final class Accuracy {
    static final double RATE = 1000;
    static final long BURST = 100;

    private Accuracy() {
    }

    /** One limiter's outcome. */
    record Result(String impl, long admitted, double expected, double seconds) {
        double errorPercent() {
            return (admitted - expected) * 100 / expected;
        }
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        List<Result> results = run(seconds);
        StringBuilder tsv = new StringBuilder("impl\tadmitted\texpected\tseconds\terrorPercent\n");
        for (Result r : results) {
            tsv.append(String.format(Locale.ROOT, "%s\t%d\t%.1f\t%.6f\t%.4f%n", r.impl, r.admitted, r.expected,
                    r.seconds, r.errorPercent()));
        }
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
            long limit = (long) (seconds * 1e9);
            long t0 = System.nanoTime();
            long now;
            do {
                for (int i = 0; i < ls.length; i++) {
                    if (ls[i].tryAcquire()) {
                        admitted[i]++;
                    }
                }
                now = System.nanoTime();
            } while (now - t0 < limit);
            double elapsed = (now - t0) / 1e9;
            List<Result> out = new ArrayList<>();
            for (int i = 0; i < ls.length; i++) {
                out.add(new Result(names[i], admitted[i], RATE * elapsed + BURST, elapsed));
            }
            return out;
        }
    }
}
