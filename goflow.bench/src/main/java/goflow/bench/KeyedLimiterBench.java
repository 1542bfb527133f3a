package goflow.bench;

import java.time.Duration;
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

import goflow.api.GoFlow;
import goflow.api.ratelimit.KeyedRateLimiter;

/**
 * A flood of new keys on a keyed limiter at its bound ({@code maxKeys} = 100 000): the cost of one
 * {@code allow(newKey)}, which evicts a bucket to make room, after {@code evictedBefore} evictions.
 * It must not grow with the evictions that came before (it did: 1.2 us per key while filling, 76 us
 * after 300k evictions, when eviction sampled by iterating the map from the start of its table).
 *
 * <p>Every iteration, warm-up or measured, gets a new limiter filled to its bound plus
 * {@code evictedBefore} evictions: each call evicts, so with one limiter for the whole trial a
 * measured iteration began after every eviction of the iterations before it (about 750 000 after
 * the short profile's warm-up), whatever {@code evictedBefore} said.
 *
 * <p>Run: {@code java -jar goflow.bench/target/benchmarks.jar KeyedLimiterBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class KeyedLimiterBench {
    private static final int MAX_KEYS = 100_000;

    @Param({"0", "300000"})
    public int evictedBefore;

    private GoFlow goflow;
    private KeyedRateLimiter<Long> limiter;
    private long next;

    @Setup(Level.Trial)
    public void setUp() {
        goflow = GoFlow.load();
    }

    /** A new limiter at its bound, after {@code evictedBefore} evictions, for this iteration alone. */
    @Setup(Level.Iteration)
    public void fill() {
        limiter = goflow.keyedRateLimiter().rate(10).burst(10).maxKeys(MAX_KEYS).idleTimeout(Duration.ofHours(1))
                .build();
        for (next = 0; next < MAX_KEYS + evictedBefore; next++) {
            limiter.allow(next);
        }
    }

    @TearDown(Level.Iteration)
    public void closeLimiter() {
        limiter.close();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        goflow.close();
    }

    /** One request of a client never seen before: a new bucket, and an eviction to make room. */
    @Benchmark
    public boolean newKey() {
        return limiter.allow(next++);
    }
}
