package goflow.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
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

/**
 * Stream chains against sequential {@code java.util.stream} over lists of boxed integers.
 * {@code filterMapReduce}: filter(even), map(×3), reduce(sum). {@code sortedDistinct}: distinct()
 * then sorted() then count over a shuffled list with 50 % duplicates ({@code i % (n/2)}, the Go
 * reference's {@code BenchmarkDistinct} fixture); {@code sortedThenDistinct}: the same with sorted()
 * first, where distinct needs no set. {@code goChain}: the Go reference's
 * {@code BenchmarkChainedOperations}: filter(even), map(×2), filter(&gt;100), to a list.
 *
 * <p>Run: {@code java -jar goflow.bench/target/benchmarks.jar StreamBench -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class StreamBench {
    @Param({"goflow", "jdk"})
    public String impl;

    @Param({"1000", "100000"})
    public int size;

    private GoFlow goflow;
    private final Context ctx = Context.background();
    private List<Integer> data;
    private List<Integer> duplicates;

    @Setup(Level.Trial)
    public void setUp() {
        goflow = GoFlow.load();
        data = new ArrayList<>(size);
        duplicates = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            data.add(i);
            duplicates.add(i % (size / 2));
        }
        Collections.shuffle(duplicates, new Random(42));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        goflow.close();
    }

    @Benchmark
    public Integer filterMapReduce() throws InterruptedException {
        if (impl.equals("jdk")) {
            return data.stream().filter(x -> (x & 1) == 0).map(x -> x * 3).reduce(0, Integer::sum);
        }
        return goflow.stream(data).filter(x -> (x & 1) == 0).map(x -> x * 3).reduce(ctx, 0, Integer::sum);
    }

    @Benchmark
    public long sortedDistinct() throws InterruptedException {
        if (impl.equals("jdk")) {
            return duplicates.stream().distinct().sorted().count();
        }
        return goflow.stream(duplicates).distinct().sorted().count(ctx);
    }

    /** {@code sorted()} then {@code distinct()}: distinct over a sorted stream compares neighbours (no set). */
    @Benchmark
    public long sortedThenDistinct() throws InterruptedException {
        if (impl.equals("jdk")) {
            return duplicates.stream().sorted().distinct().count();
        }
        return goflow.stream(duplicates).sorted().distinct().count(ctx);
    }

    @Benchmark
    public List<Integer> goChain() throws InterruptedException {
        if (impl.equals("jdk")) {
            return data.stream().filter(x -> (x & 1) == 0).map(x -> x * 2).filter(x -> x > 100).toList();
        }
        return goflow.stream(data).filter(x -> (x & 1) == 0).map(x -> x * 2).filter(x -> x > 100).toList(ctx);
    }
}
