package goflow.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import goflow.api.context.CancellableContext;
import goflow.api.context.Context;

/**
 * The cost of a child context that is created and closed, which every pool {@code submit}, every
 * stream terminal operation and every pipeline execution with an executor or timeout pays. No
 * peer: for information (and to show where those primitives' fixed cost goes). The same with a
 * deadline, against the JDK's way to arm and disarm a timeout, is {@link TimeoutBench}.
 *
 * <p>Run: {@code java -jar goflow.bench/target/benchmarks.jar ContextBench -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ContextBench {
    private final Context background = Context.background();

    @Benchmark
    public Object withCancelClose() {
        CancellableContext c = background.withCancel();
        c.close();
        return c;
    }
}
