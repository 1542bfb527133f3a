package goflow.bench;

import java.util.concurrent.ArrayBlockingQueue;
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

import goflow.api.ClosedException;
import goflow.api.GoFlow;
import goflow.api.channel.BackpressureChannel;
import goflow.api.context.Context;

/**
 * Blocking channel hand-off against {@link ArrayBlockingQueue}, the Go reference's §13 fixtures.
 * {@code send}: the measured thread sends while one consumer thread drains
 * ({@code BenchmarkChannelSend/{10,1k}}). {@code receive}: the measured thread receives while one
 * producer thread keeps the channel full ({@code BenchmarkChannelReceive}). A helper thread rather
 * than a JMH {@code @Group}: a blocked put or take in a group can outlive the iteration and hang it;
 * the helper is stopped by closing the channel (or a poison pill) in the tear-down.
 *
 * <p>Run: {@code java -jar goflow.bench/target/benchmarks.jar ChannelBench -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChannelBench {
    private static final Integer ITEM = 7;
    private static final Integer POISON = -1;

    /** A channel and the thread on its other end. */
    @State(Scope.Benchmark)
    public static class Pair {
        @Param({"goflow", "arrayBlockingQueue"})
        public String impl;

        @Param({"10", "1000"})
        public int capacity;

        GoFlow goflow;
        BackpressureChannel<Integer> channel;
        ArrayBlockingQueue<Integer> queue;
        final Context ctx = Context.background();
        Thread helper;
        volatile boolean stop;

        void start(boolean drain) {
            goflow = GoFlow.load();
            if (impl.equals("goflow")) {
                channel = goflow.<Integer>channel().capacity(capacity).build();
            } else {
                queue = new ArrayBlockingQueue<>(capacity);
            }
            helper = new Thread(drain ? this::drain : this::fill, "bench-channel-helper");
            helper.setDaemon(true);
            helper.start();
        }

        private void drain() {
            try {
                if (channel != null) {
                    while (true) {
                        channel.receive(ctx);
                    }
                }
                while (queue.take() != POISON) {
                    // drain
                }
            } catch (InterruptedException | ClosedException e) {
                // stopped
            }
        }

        private void fill() {
            try {
                if (channel != null) {
                    while (channel.send(ctx, ITEM)) {
                        // fill
                    }
                    return;
                }
                while (!stop) {
                    queue.put(ITEM);
                }
            } catch (InterruptedException | ClosedException e) {
                // stopped
            }
        }

        void stop(boolean drain) throws InterruptedException {
            stop = true;
            if (channel != null) {
                channel.close();
            } else if (drain) {
                queue.put(POISON);
            } else {
                while (helper.isAlive()) {
                    queue.poll();
                }
            }
            helper.join(10_000);
            goflow.close();
        }
    }

    /** The channel with a consumer draining it. */
    public static class Drained extends Pair {
        @Setup(Level.Trial)
        public void setUp() {
            start(true);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            stop(true);
        }
    }

    /** The channel with a producer keeping it full. */
    public static class Filled extends Pair {
        @Setup(Level.Trial)
        public void setUp() {
            start(false);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws InterruptedException {
            stop(false);
        }
    }

    @Benchmark
    public Object send(Drained p) throws InterruptedException {
        if (p.channel != null) {
            return p.channel.send(p.ctx, ITEM);
        }
        p.queue.put(ITEM);
        return p;
    }

    @Benchmark
    public Object receive(Filled p) throws InterruptedException {
        if (p.channel != null) {
            return p.channel.receive(p.ctx);
        }
        return p.queue.take();
    }
}
