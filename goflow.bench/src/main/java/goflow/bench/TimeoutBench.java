package goflow.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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

import goflow.api.context.CancellableContext;
import goflow.api.context.Context;

/**
 * A timeout armed and disarmed long before it is due, which every pool {@code submit}, stream
 * terminal operation or pipeline execution with a timeout pays: {@code Context.withTimeout} then
 * {@code close()}, which adds and removes a timer on goflow's one timer thread (see
 * {@link ContextBench} for the same without a deadline). Its peer is the JDK's way to do it:
 * {@code ScheduledThreadPoolExecutor.schedule} then {@code cancel} with
 * {@code setRemoveOnCancelPolicy(true)} (without it, cancelled timeouts stay queued until due).
 * {@code pending} timers are kept armed beside the measured ones (10 minutes away, never due in a
 * run), so the cost of a queue that holds many deadlines shows: both queues are binary heaps
 * indexed for removal, O(log n).
 *
 * <p>Run: {@code java -jar goflow.bench/target/benchmarks.jar TimeoutBench -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TimeoutBench {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final Runnable NOTHING = () -> { };

    /** goflow ({@code Context.withTimeout}) or the JDK peer ({@code ScheduledThreadPoolExecutor}). */
    @Param({Peers.GOFLOW, "scheduledExecutor"})
    public String impl;
    /** Timers kept armed beside the measured one. */
    @Param({"0", "10000"})
    public int pending;

    private final Context background = Context.background();
    private final List<CancellableContext> armed = new ArrayList<>();
    private ScheduledThreadPoolExecutor executor;
    private boolean goflow;

    /** Arms the pending timers. */
    @Setup(Level.Trial)
    public void setUp() {
        goflow = impl.equals(Peers.GOFLOW);
        executor = new ScheduledThreadPoolExecutor(1);
        executor.setRemoveOnCancelPolicy(true);
        for (int i = 0; i < pending; i++) {
            if (goflow) {
                armed.add(background.withTimeout(Duration.ofMinutes(10)));
            } else {
                executor.schedule(NOTHING, 10, TimeUnit.MINUTES);
            }
        }
    }

    /** Disarms them and stops the executor. */
    @TearDown(Level.Trial)
    public void tearDown() {
        armed.forEach(CancellableContext::close);
        armed.clear();
        executor.shutdownNow();
    }

    /**
     * A context with a 10 s timeout created and closed, or a 10 s task scheduled and cancelled.
     *
     * @return the closed context or the cancelled future, against dead-code elimination
     */
    @Benchmark
    public Object withTimeoutClose() {
        if (goflow) {
            CancellableContext c = background.withTimeout(TIMEOUT);
            c.close();
            return c;
        }
        ScheduledFuture<?> f = executor.schedule(NOTHING, 10, TimeUnit.SECONDS);
        f.cancel(false);
        return f;
    }
}
