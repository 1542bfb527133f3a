package goflow.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
import goflow.api.context.Context;
import goflow.api.io.AsyncWriter;

/**
 * Writer throughput: {@code AsyncWriter.write(ctx, bytes)} (default configuration: 64 KiB buffer,
 * flushed by its own thread) against a {@link BufferedOutputStream} (8 KiB, synchronized) over the
 * same in-memory sink, on one thread and two threads sharing the writer. The record is the Go
 * reference's {@code BenchmarkWrite} (14 bytes); {@code -p record=25} gives
 * {@code BenchmarkConcurrentWrites}.
 *
 * <p>Run: {@code java -jar goflow.bench/target/benchmarks.jar WriterBench -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WriterBench {
    @Param({"goflow", "bufferedOutputStream"})
    public String impl;

    @Param({"14"})
    public int record;

    /** Counts the bytes it is given, nothing more. */
    static final class CountingSink extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }

    private GoFlow goflow;
    private final Context ctx = Context.background();
    private AsyncWriter writer;
    private OutputStream buffered;
    private byte[] data;

    @Setup(Level.Trial)
    public void setUp() {
        goflow = GoFlow.load();
        data = "0123456789abcdefghijklmnopqrstuvwxyz".repeat(8).substring(0, record).getBytes(StandardCharsets.US_ASCII);
        if (impl.equals("goflow")) {
            writer = goflow.asyncWriter().output(new CountingSink()).build();
        } else {
            buffered = new BufferedOutputStream(new CountingSink());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (writer != null) {
            writer.close();
        } else {
            buffered.close();
        }
        goflow.close();
    }

    private void write() throws InterruptedException, IOException {
        if (writer != null) {
            writer.write(ctx, data);
        } else {
            buffered.write(data);
        }
    }

    @Benchmark
    @Threads(1)
    public void write1() throws InterruptedException, IOException {
        write();
    }

    @Benchmark
    @Threads(2)
    public void write2() throws InterruptedException, IOException {
        write();
    }
}
