package goflow.bench;

import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

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
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineBuilder;
import goflow.api.pipeline.PipelineResult;

/**
 * Pipeline overhead: {@code execute(input)} of 1, 5 and 10 identity stages (statistics are always
 * kept: per-stage counts and times, a StageResult per stage) against {@code direct}, the same
 * functions applied in a loop. Overhead per stage = (goflow − direct) / stages; the report also
 * prints the marginal cost of a stage, (goflow(10) − goflow(1)) / 9. The Go reference's
 * {@code StageScaling/{1,5,10}} fixture.
 *
 * <p>Run: {@code java -jar goflow.bench/target/benchmarks.jar PipelineBench -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PipelineBench {
    @Param({"goflow", "direct"})
    public String impl;

    @Param({"1", "5", "10"})
    public int stages;

    private GoFlow goflow;
    private Pipeline<Integer, Integer> pipeline;
    private UnaryOperator<Integer>[] functions;
    private Integer input = 42;

    @Setup(Level.Trial)
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void setUp() {
        goflow = GoFlow.load();
        functions = new UnaryOperator[stages];
        for (int i = 0; i < stages; i++) {
            int k = i;
            functions[i] = x -> k < 0 ? null : x;
        }
        if (impl.equals("goflow")) {
            PipelineBuilder<Integer, Integer> b = goflow.pipeline().input(Integer.class);
            for (int i = 0; i < stages; i++) {
                UnaryOperator<Integer> f = functions[i];
                b = b.stage("s" + i, f::apply);
            }
            pipeline = b.build();
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        goflow.close();
    }

    @Benchmark
    public Object execute() {
        if (pipeline != null) {
            PipelineResult<Integer, Integer> r = pipeline.execute(input);
            return r.output();
        }
        Integer x = input;
        for (UnaryOperator<Integer> f : functions) {
            x = f.apply(x);
        }
        return x;
    }
}
