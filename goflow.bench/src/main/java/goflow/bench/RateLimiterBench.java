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

/**
 * Token bucket {@code allow()} against the peers' non-blocking acquire of one permit, on one thread
 * and on two threads sharing one limiter. {@code admit}: the rate (1e9/s) is never the limit, so
 * every call admits. {@code reject}: the bucket (1 token, 0.001/s) is drained first, so every call
 * is refused. {@code casFloor} is a bare clock-read-and-CAS bucket: the floor. The Go reference's
 * {@code BenchmarkAllow} (parallel, 1e6/s burst 1000, mostly refusals at this speed) is
 * {@code go1e6}.
 *
 * <p>Run: {@code java -jar goflow.bench/target/benchmarks.jar RateLimiterBench -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RateLimiterBench {
    @Param({"goflow", "casFloor", "guava", "bucket4j", "bucket4jSync", "resilience4j", "failsafe"})
    public String impl;

    @Param({"admit", "reject"})
    public String path;

    private GoFlow goflow;
    private Peers.Limiter limiter;

    @Setup(Level.Trial)
    public void setUp() {
        goflow = GoFlow.load();
        switch (path) {
            case "admit":
                limiter = Peers.rateLimiter(impl, goflow, 1e9, 1_000_000);
                break;
            case "reject":
                limiter = Peers.rateLimiter(impl, goflow, 1e-3, 1);
                for (int i = 0; i < 1_000 && limiter.tryAcquire(); i++) {
                    // drain
                }
                if (limiter.tryAcquire()) {
                    throw new IllegalStateException(impl + " still admits after draining");
                }
                break;
            case "go1e6":
                limiter = Peers.rateLimiter(impl, goflow, 1e6, 1000);
                break;
            default:
                throw new IllegalArgumentException(path);
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
