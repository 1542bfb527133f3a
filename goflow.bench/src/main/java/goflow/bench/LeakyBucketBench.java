package goflow.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import goflow.api.GoFlow;
import goflow.api.ratelimit.LeakyBucket;

/**
 * Leaky bucket {@code allow()} against the peers that smooth traffic: Guava's {@code SmoothBursty}
 * {@code tryAcquire()} (the smoothing limiter most Java services use) and a Bucket4j bucket with
 * greedy refill, on one thread and two. {@code admit}: the leak rate (1e9/s) is never the limit;
 * {@code reject}: the bucket (capacity 1, 0.001/s) is full, every call is refused.
 *
 * <p>Run: {@code java -jar goflow.bench/target/benchmarks.jar LeakyBucketBench -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LeakyBucketBench {
    @Param({"goflow", "guava", "bucket4j"})
    public String impl;

    @Param({"admit", "reject"})
    public String path;

    private GoFlow goflow;
    private Peers.Limiter limiter;

    @Setup(Level.Trial)
    public void setUp() {
        goflow = GoFlow.load();
        double rate = path.equals("admit") ? 1e9 : 1e-3;
        long capacity = path.equals("admit") ? 1_000_000 : 1;
        if (impl.equals(Peers.GOFLOW)) {
            LeakyBucket b = goflow.leakyBucket().leakRate(rate).capacity(capacity).build();
            limiter = b::allow;
        } else {
            limiter = Peers.rateLimiter(impl, goflow, rate, capacity);
        }
        if (path.equals("reject")) {
            for (int i = 0; i < 1_000 && limiter.tryAcquire(); i++) {
                // fill the bucket
            }
            if (limiter.tryAcquire()) {
                throw new IllegalStateException(impl + " still admits after filling");
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        goflow.close();
    }

    @Benchmark
    @Threads(1)
    public boolean allow1() {
        return limiter.tryAcquire();
    }

    @Benchmark
    @Threads(2)
    public boolean allow2() {
        return limiter.tryAcquire();
    }
}
