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
import org.openjdk.jmh.annotations.Threads;

import goflow.api.ClosedException;
import goflow.api.GoFlow;
import goflow.api.channel.BackpressureChannel;
import goflow.api.channel.OverflowStrategy;
import goflow.api.context.Context;

/**
 * Many producers on one channel (capacity 100) with each overflow strategy, one consumer thread
 * draining it: the cost of one {@code send} with 1 and with 4 sending threads. The peer is
 * {@link ArrayBlockingQueue} doing the same: {@code put} for {@code BLOCK}, {@code offer} for
 * {@code DROP_NEWEST}, and offer-else-poll-the-oldest for {@code DROP_OLDEST} (not atomic, unlike
 * the channel's). The consumer is a helper thread, not a JMH group, so that a blocked send cannot
 * outlive an iteration (see {@link ChannelBench}).
 *
 * <p>Run: {@code java -jar goflow.bench/target/benchmarks.jar ChannelContentionBench -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChannelContentionBench {
    private static final Integer ITEM = 7;
    private static final Integer POISON = -1;

    @Param({"goflow", "arrayBlockingQueue"})
    public String impl;

    @Param({"BLOCK", "DROP_NEWEST", "DROP_OLDEST"})
    public String strategy;

    @Param({"100"})
    public int capacity;

    private GoFlow goflow;
    private BackpressureChannel<Integer> channel;
    private ArrayBlockingQueue<Integer> queue;
    private OverflowStrategy overflow;
    private final Context ctx = Context.background();
    private Thread consumer;

    @Setup(Level.Trial)
    public void setUp() {
        goflow = GoFlow.load();
        overflow = OverflowStrategy.valueOf(strategy);
        if (impl.equals("goflow")) {
            channel = goflow.<Integer>channel().capacity(capacity).strategy(overflow).build();
        } else {
            queue = new ArrayBlockingQueue<>(capacity);
        }
        consumer = new Thread(this::drain, "bench-channel-consumer");
        consumer.setDaemon(true);
        consumer.start();
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

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        if (channel != null) {
            channel.close();
        } else {
            queue.clear();
            queue.put(POISON);
        }
        consumer.join(10_000);
        goflow.close();
    }

    private Object send() throws InterruptedException {
        if (channel != null) {
            return channel.send(ctx, ITEM);
        }
        switch (overflow) {
            case BLOCK:
                queue.put(ITEM);
                return queue;
            case DROP_NEWEST:
                return queue.offer(ITEM);
            default:
                while (!queue.offer(ITEM)) {
                    queue.poll();
                }
                return queue;
        }
    }

    @Benchmark
    @Threads(1)
    public Object send1() throws InterruptedException {
        return send();
    }

    @Benchmark
    @Threads(4)
    public Object send4() throws InterruptedException {
        return send();
    }
}
