package goflow.impl.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import goflow.api.ClosedException;
import goflow.api.channel.BackpressureChannel;
import goflow.api.channel.ChannelFullException;
import goflow.api.channel.ChannelStats;
import goflow.api.channel.OverflowStrategy;
import goflow.api.context.Context;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;
import goflow.impl.testing.Stress;

/**
 * Every strategy under concurrent producers and consumers: nothing is lost or duplicated
 * ({@code sent = received + dropped + remaining}, and every value is either received or dropped
 * exactly once), each producer's values stay in order, and {@code stats()} never deadlocks and is
 * consistent in every snapshot.
 */
@Stress
@Timeout(60)
class ChannelConcurrencyTest extends NoThreadLeaks.LeakCheckedTest {
    private static final int PRODUCERS = 4;
    private static final int CONSUMERS = 3;
    private static final int PER_PRODUCER = 20_000;

    private final GoFlowImpl goflow = new GoFlowImpl(new ManualClock(), "test");

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    @ParameterizedTest
    @EnumSource(OverflowStrategy.class)
    void conservationUnderConcurrency(OverflowStrategy strategy) {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> run(strategy));
    }

    private void run(OverflowStrategy strategy) throws Exception {
        ConcurrentLinkedQueue<Integer> dropped = new ConcurrentLinkedQueue<>();
        BackpressureChannel<Integer> ch = goflow.<Integer>channel().capacity(16).strategy(strategy)
                .onDrop(dropped::add).build();
        Context bg = Context.background();
        AtomicLong refused = new AtomicLong();
        AtomicReference<Throwable> error = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        List<List<Integer>> receivedBy = new ArrayList<>();
        CountDownLatch producersDone = new CountDownLatch(PRODUCERS);

        for (int p = 0; p < PRODUCERS; p++) {
            int producer = p;
            threads.add(new Thread(() -> {
                try {
                    for (int i = 0; i < PER_PRODUCER; i++) {
                        if (producer == 0 && i == PER_PRODUCER / 2) {
                            // halfway, let the stats reader take a snapshot while the others run
                            long before = reads.get();
                            while (reads.get() == before) {
                                Thread.yield();
                            }
                        }
                        int v = producer * PER_PRODUCER + i;
                        if ((i & 1) == 0) {
                            try {
                                ch.send(bg, v);
                            } catch (ChannelFullException full) {
                                refused.incrementAndGet();
                            }
                        } else if (!ch.trySend(v) && strategy != OverflowStrategy.DROP_NEWEST) {
                            refused.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                } finally {
                    producersDone.countDown();
                }
            }, "producer-" + p));
        }
        for (int c = 0; c < CONSUMERS; c++) {
            List<Integer> mine = new ArrayList<>();
            receivedBy.add(mine);
            boolean blocking = c % 2 == 0;
            threads.add(new Thread(() -> {
                try {
                    while (true) {
                        if (blocking) {
                            mine.add(ch.receive(bg));
                        } else {
                            Optional<Integer> v = ch.tryReceive();
                            if (v.isPresent()) {
                                mine.add(v.get());
                            } else {
                                Thread.onSpinWait();
                            }
                        }
                    }
                } catch (ClosedException drained) {
                    // normal end
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                }
            }, "consumer-" + c));
        }
        // a stats reader checks the invariant in every snapshot while everything runs
        List<ChannelStats> snapshots = new ArrayList<>();
        Thread reader = new Thread(() -> {
            while (!stop.get()) {
                ChannelStats s = ch.stats();
                if (s.sent() != s.received() + s.dropped() + s.size()) {
                    error.compareAndSet(null, new AssertionError("inconsistent snapshot " + s));
                }
                if (snapshots.size() < 1_000) {
                    snapshots.add(s);
                }
                reads.incrementAndGet();
            }
        }, "stats-reader");
        threads.forEach(Thread::start);
        reader.start();
        producersDone.await();
        ch.close();
        for (Thread t : threads) {
            t.join();
        }
        stop.set(true);
        reader.join();
        if (error.get() != null) {
            throw new AssertionError(error.get());
        }

        ChannelStats s = ch.stats();
        long offered = (long) PRODUCERS * PER_PRODUCER;
        assertEquals(0, s.size());
        assertEquals(s.sent(), s.received() + s.dropped() + s.size(), s.toString());
        assertEquals(offered, s.sent() + refused.get(), "every value was sent or refused: " + s);
        assertEquals(s.dropped(), dropped.size(), "one callback per dropped value");
        assertTrue(snapshots.stream().anyMatch(x -> x.sent() > 0 && x.sent() < offered - refused.get()),
                "stats were read while the channel was busy");

        // every value received or dropped exactly once, never both
        BitSet seen = new BitSet();
        long received = 0;
        for (List<Integer> mine : receivedBy) {
            int[] last = new int[PRODUCERS];
            java.util.Arrays.fill(last, -1);
            for (int v : mine) {
                assertTrue(!seen.get(v), "duplicate " + v);
                seen.set(v);
                int producer = v / PER_PRODUCER;
                assertTrue(v > last[producer], "producer order broken at " + v);
                last[producer] = v;
                received++;
            }
        }
        for (int v : dropped) {
            assertTrue(!seen.get(v), "dropped and received: " + v);
            seen.set(v);
        }
        assertEquals(s.received(), received);
        assertEquals(s.sent(), seen.cardinality());
        switch (strategy) {
            case BLOCK:
                assertEquals(0, s.dropped());
                assertEquals(offered, s.sent() + s.rejected());
                break;
            case ERROR:
                assertEquals(0, s.dropped());
                assertEquals(refused.get(), s.rejected());
                break;
            default:
                assertEquals(0, s.rejected());
                assertEquals(offered, s.sent());
        }
    }
}
