package goflow.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import goflow.api.GoFlow;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.ratelimit.Reservation;

/**
 * A token bucket reservation made and cancelled (its token refunded), on one thread: the cost of
 * {@code reserve()} + {@code cancel()} when tokens are there. No peer has a reservation that can be
 * cancelled (Guava and Bucket4j take permits for good), so the figure stands alone; compare it with
 * {@code RateLimiterBench.allow1}.
 *
 * <p>Run: {@code java -jar goflow.bench/target/benchmarks.jar ReserveCancelBench -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReserveCancelBench {
    private GoFlow goflow;
    private RateLimiter bucket;

    @Setup(Level.Trial)
    public void setUp() {
        goflow = GoFlow.load();
        bucket = goflow.tokenBucket().rate(1e9).burst(1_000_000).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        goflow.close();
    }

    @Benchmark
    public Reservation reserveCancel() {
        Reservation r = bucket.reserve();
        r.cancel();
        return r;
    }
}
