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
import goflow.api.context.Context;
import goflow.api.ratelimit.RateLimiter;

/**
 * The waiting side of the token bucket when there is no wait: {@code await(ctx)} (the context
 * checked, one token taken) against the peers' blocking acquire of one permit — Guava's
 * {@code acquire()}, Bucket4j's {@code asBlocking().consume(1)}. The rate (1e9/s) is never the
 * limit, so nobody sleeps: this is the cost of the call. {@link ReserveCancelBench} measures
 * {@code reserve()} and {@code cancel()}.
 *
 * <p>Run: {@code java -jar goflow.bench/target/benchmarks.jar ReservationBench -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReservationBench {
    @Param({"goflow", "guava", "bucket4j"})
    public String impl;

    private GoFlow goflow;
    private RateLimiter bucket;
    private com.google.common.util.concurrent.RateLimiter guava;
    private io.github.bucket4j.BlockingBucket bucket4j;
    private final Context ctx = Context.background();

    @Setup(Level.Trial)
    public void setUp() {
        goflow = GoFlow.load();
        switch (impl) {
            case "goflow":
                bucket = goflow.tokenBucket().rate(1e9).burst(1_000_000).build();
                break;
            case "guava":
                guava = com.google.common.util.concurrent.RateLimiter.create(1e9);
                break;
            case "bucket4j":
                bucket4j = io.github.bucket4j.Bucket.builder()
                        .addLimit(l -> l.capacity(1_000_000).refillGreedy(1_000_000_000L, Duration.ofSeconds(1)))
                        .withNanosecondPrecision().build().asBlocking();
                break;
            default:
                throw new IllegalArgumentException(impl);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        goflow.close();
    }

    /** One token, waiting if needed (it never is here). */
    @Benchmark
    public Object await() throws InterruptedException {
        switch (impl) {
            case "goflow":
                bucket.await(ctx);
                return bucket;
            case "guava":
                return guava.acquire();
            default:
                bucket4j.consume(1);
                return bucket4j;
        }
    }
}
