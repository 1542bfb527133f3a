package goflow.bench;

import java.time.Duration;
import java.util.concurrent.Semaphore;
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
import goflow.api.ratelimit.ConcurrencyLimiter;

/**
 * Concurrency limiter {@code tryAcquire()} then {@code release()} against {@link Semaphore} and
 * the peers' bulkheads, capacity 1000 (the Go reference's {@code BenchmarkAcquire} fixture), on one
 * thread and on two threads sharing one limiter.
 *
 * <p>Run: {@code java -jar goflow.bench/target/benchmarks.jar ConcurrencyLimiterBench -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ConcurrencyLimiterBench {
    @Param({"goflow", "goflowFair", "semaphore", "resilience4j", "failsafe"})
    public String impl;

    /** Acquire-and-release pair under test. */
    interface Permits {
        boolean tryAcquire();

        void release();
    }

    private GoFlow goflow;
    private Permits permits;

    @Setup(Level.Trial)
    public void setUp() {
        goflow = GoFlow.load();
        int capacity = 1000;
        switch (impl) {
            case "goflow":
            case "goflowFair": {
                ConcurrencyLimiter l = goflow.concurrencyLimiter().capacity(capacity).fair(impl.equals("goflowFair"))
                        .build();
                permits = new Permits() {
                    @Override
                    public boolean tryAcquire() {
                        return l.tryAcquire();
                    }

                    @Override
                    public void release() {
                        l.release();
                    }
                };
                break;
            }
            case "semaphore": {
                Semaphore s = new Semaphore(capacity);
                permits = new Permits() {
                    @Override
                    public boolean tryAcquire() {
                        return s.tryAcquire();
                    }

                    @Override
                    public void release() {
                        s.release();
                    }
                };
                break;
            }
            case "resilience4j": {
                io.github.resilience4j.bulkhead.Bulkhead b = io.github.resilience4j.bulkhead.Bulkhead.of("bench",
                        io.github.resilience4j.bulkhead.BulkheadConfig.custom().maxConcurrentCalls(capacity)
                                .maxWaitDuration(Duration.ZERO).build());
                permits = new Permits() {
                    @Override
                    public boolean tryAcquire() {
                        return b.tryAcquirePermission();
                    }

                    @Override
                    public void release() {
                        b.onComplete();
                    }
                };
                break;
            }
            case "failsafe": {
                dev.failsafe.Bulkhead<Object> b = dev.failsafe.Bulkhead.of(capacity);
                permits = new Permits() {
                    @Override
                    public boolean tryAcquire() {
                        return b.tryAcquirePermit();
                    }

                    @Override
                    public void release() {
                        b.releasePermit();
                    }
                };
                break;
            }
            default:
                throw new IllegalArgumentException(impl);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        goflow.close();
    }

    private boolean acquireRelease() {
        if (permits.tryAcquire()) {
            permits.release();
            return true;
        }
        return false;
    }

    @Benchmark
    @Threads(1)
    public boolean acquireRelease1() {
        return acquireRelease();
    }

    @Benchmark
    @Threads(2)
    public boolean acquireRelease2() {
        return acquireRelease();
    }
}
