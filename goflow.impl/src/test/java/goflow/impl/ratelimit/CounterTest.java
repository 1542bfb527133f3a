package goflow.impl.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import goflow.impl.testing.NoThreadLeaks;

/** The hot-path statistics counter: exact after concurrent increments, owned cells or not. */
class CounterTest extends NoThreadLeaks.LeakCheckedTest {
    @Test
    void singleThreadCountsExactly() {
        Counter c = new Counter();
        assertEquals(0, c.sum());
        for (int i = 0; i < 1000; i++) {
            c.increment();
        }
        assertEquals(1000, c.sum());
    }

    @Test
    void manyThreadsCountExactlyIncludingThoseWithoutACellOfTheirOwn() throws InterruptedException {
        // 80 threads over 32 cells: some own a cell, the rest share the fallback adder.
        Counter c = new Counter();
        int threads = 80;
        int each = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    c.increment();
                }
            }, "counter-test-" + t);
            th.start();
            ts.add(th);
        }
        start.countDown();
        for (Thread th : ts) {
            th.join();
        }
        assertEquals((long) threads * each, c.sum());
    }

    @Test
    void aDeadOwnersCountIsKept() throws InterruptedException {
        Counter c = new Counter();
        Thread t = new Thread(() -> {
            for (int i = 0; i < 500; i++) {
                c.increment();
            }
        }, "counter-test-dead-owner");
        t.start();
        t.join();
        c.increment();
        assertEquals(501, c.sum());
    }
}
