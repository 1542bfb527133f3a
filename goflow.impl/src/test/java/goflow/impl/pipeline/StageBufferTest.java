package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.impl.testing.Async;
import goflow.impl.testing.Eventually;

/** The buffer in front of a streaming stage: FIFO, bounded, blocking, interruptible. */
@Timeout(60)
class StageBufferTest {

    /** Waits until the thread of an {@link Async} call is parked: past its yields, waiting on the buffer. */
    private static void awaitParked(List<Thread> started) {
        Eventually.until(() -> started.get(0).getState() == Thread.State.WAITING);
    }

    @Test
    void firstInFirstOutAcrossTheEndOfTheArray() throws Exception {
        StageBuffer b = new StageBuffer(3);
        List<Object> out = new ArrayList<>();
        int next = 0;
        for (int round = 0; round < 5; round++) { // the head moves around the 3 slots several times
            b.put(next++);
            b.put(next++);
            out.add(b.take());
            b.put(next++);
            out.add(b.take());
            out.add(b.take());
        }
        List<Object> expected = new ArrayList<>();
        for (int i = 0; i < next; i++) {
            expected.add(i);
        }
        assertEquals(expected, out);
    }

    @Test
    void putWaitsWhileFullAndGoesOnAfterATake() throws Exception {
        StageBuffer b = new StageBuffer(1);
        b.put("a");
        List<Thread> putter = new ArrayList<>();
        CompletableFuture<Object> put = Async.start(() -> {
            b.put("b");
            return "put";
        }, putter);
        awaitParked(putter);
        assertFalse(put.isDone(), "a put into a full buffer must wait");
        assertEquals("a", b.take());
        assertEquals("put", put.get(30, TimeUnit.SECONDS));
        assertEquals("b", b.take());
    }

    @Test
    void takeWaitsWhileEmptyAndGetsThePutItem() throws Exception {
        StageBuffer b = new StageBuffer(4);
        List<Thread> taker = new ArrayList<>();
        CompletableFuture<Object> take = Async.start(b::take, taker);
        awaitParked(taker);
        assertFalse(take.isDone(), "a take from an empty buffer must wait");
        b.put("x");
        assertEquals("x", take.get(30, TimeUnit.SECONDS));
    }

    @Test
    void anInterruptEndsAWaitingPutOrTakeAndChangesNothing() throws Exception {
        StageBuffer full = new StageBuffer(1);
        full.put("kept");
        List<Thread> putter = new ArrayList<>();
        CompletableFuture<Object> put = Async.start(() -> {
            full.put("never");
            return "put";
        }, putter);
        awaitParked(putter);
        putter.get(0).interrupt();
        Throwable e = Async.failureOf(put);
        assertTrue(e instanceof InterruptedException, String.valueOf(e));
        assertEquals("kept", full.take());

        StageBuffer empty = new StageBuffer(2);
        List<Thread> taker = new ArrayList<>();
        CompletableFuture<Object> take = Async.start(empty::take, taker);
        awaitParked(taker);
        taker.get(0).interrupt();
        e = Async.failureOf(take);
        assertTrue(e instanceof InterruptedException, String.valueOf(e));
        empty.put("first");
        assertEquals("first", empty.take(), "the interrupted take took nothing");
    }

    @Test
    void anInterruptedThreadNeitherPutsNorTakes() throws Exception {
        StageBuffer b = new StageBuffer(2);
        b.put("in");
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> b.put("not added"));
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, b::take);
        assertFalse(Thread.interrupted(), "the InterruptedException clears the status");
        assertEquals("in", b.take());
        b.put("after");
        assertEquals("after", b.take(), "nothing else was added");
    }

    @Test
    void manyPuttersAndTakersPassEveryItemOnceAndEachPuttersInOrder() throws Exception {
        StageBuffer b = new StageBuffer(2);
        int putters = 4;
        int takers = 3;
        int perPutter = 20_000;
        int total = putters * perPutter;
        ConcurrentHashMap<Long, Boolean> seen = new ConcurrentHashMap<>();
        long[][] lastPerPutterPerTaker = new long[takers][putters];
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int p = 0; p < putters; p++) {
            long id = p;
            threads.add(new Thread(() -> {
                try {
                    for (long i = 0; i < perPutter; i++) {
                        b.put(id << 32 | i);
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        int[] share = {total / takers + total % takers, total / takers, total / takers};
        for (int t = 0; t < takers; t++) {
            long[] last = lastPerPutterPerTaker[t];
            java.util.Arrays.fill(last, -1);
            int mine = share[t];
            threads.add(new Thread(() -> {
                try {
                    for (int i = 0; i < mine; i++) {
                        long v = (Long) b.take();
                        int putter = (int) (v >>> 32);
                        long seq = v & 0xffffffffL;
                        if (seen.putIfAbsent(v, Boolean.TRUE) != null) {
                            throw new AssertionError("taken twice: " + putter + "/" + seq);
                        }
                        if (seq <= last[putter]) {
                            throw new AssertionError("putter " + putter + "'s " + seq + " after its " + last[putter]);
                        }
                        last[putter] = seq;
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(total, seen.size());
    }
}
