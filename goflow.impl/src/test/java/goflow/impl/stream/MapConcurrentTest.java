package goflow.impl.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.Clock;
import goflow.api.GoFlow;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

/** mapConcurrent: order, bounded parallelism, failures, and no thread outliving the terminal. */
@Timeout(30)
class MapConcurrentTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlow goflow = new GoFlowImpl(Clock.system(), "test");
    private final Context ctx = Context.background();

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    private static List<Integer> range(int n) {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(i);
        }
        return list;
    }

    private static Set<String> streamThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(n -> n.startsWith("goflow-stream-")).collect(Collectors.toSet());
    }

    private static void sleepBriefly(long maxMillis) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(maxMillis + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void resultsKeepTheInputOrder() throws Exception {
        List<Integer> out = goflow.stream(range(200)).mapConcurrent(8, x -> {
            sleepBriefly(2);
            return x * 2;
        }).toList(ctx);
        List<Integer> expected = range(200).stream().map(x -> x * 2).collect(Collectors.toList());
        assertEquals(expected, out);
        assertTrue(streamThreads().isEmpty(), "workers have ended when the terminal returns");
    }

    @Test
    void aFinishedResultGoesOnWhenTheNextElementArrives() throws Exception {
        // A source that waits (a queue fed slowly): result 1, finished, must not wait for
        // `parallelism` more elements to arrive before it is passed on.
        LinkedBlockingQueue<Integer> source = new LinkedBlockingQueue<>();
        List<Integer> seen = new CopyOnWriteArrayList<>();
        AtomicReference<Thread> mapperOfOne = new AtomicReference<>();
        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
            try {
                goflow.streams().generate(() -> {
                    try {
                        return source.take();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }).takeWhile(x -> x >= 0).mapConcurrent(4, x -> {
                    if (x == 1) {
                        mapperOfOne.set(Thread.currentThread());
                    }
                    return x;
                }).forEach(ctx, seen::add);
            } catch (InterruptedException e) {
                throw new CompletionException(e);
            }
        });
        source.add(1);
        // finished: its worker is back waiting for work (it marks the result done before that)
        Eventually.until(() -> mapperOfOne.get() != null && mapperOfOne.get().getState() == Thread.State.WAITING);
        source.add(2);
        Eventually.until(() -> seen.contains(1));
        source.add(-1);
        run.get(30, TimeUnit.SECONDS);
        assertEquals(List.of(1, 2), seen);
    }

    @Test
    void parallelismIsBoundedAndReached() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        Set<String> names = ConcurrentHashMap.newKeySet();
        CountDownLatch allFourRunning = new CountDownLatch(4);
        goflow.stream(range(40)).mapConcurrent(4, x -> {
            int now = running.incrementAndGet();
            peak.accumulateAndGet(now, Math::max);
            names.add(Thread.currentThread().getName());
            allFourRunning.countDown();
            try {
                allFourRunning.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sleepBriefly(1);
            running.decrementAndGet();
            return x;
        }).count(ctx);
        assertEquals(4, peak.get());
        assertEquals(4, names.size());
        for (String name : names) {
            assertTrue(name.matches("goflow-stream-stream-\\d+-[1-4]"), name);
        }
    }

    @Test
    void findFirstLeavesNoThread() throws Exception {
        AtomicInteger pulled = new AtomicInteger();
        Optional<Integer> first = goflow.streams().generate(pulled::incrementAndGet)
                .mapConcurrent(4, x -> {
                    sleepBriefly(5);
                    return x * 10;
                })
                .findFirst(ctx);
        assertEquals(Optional.of(10), first);
        assertTrue(streamThreads().isEmpty(), "no worker survives findFirst: " + streamThreads());
        assertTrue(pulled.get() <= 5, "reads ahead at most the parallelism (+1): " + pulled.get());
    }

    @Test
    void limitInterruptsBlockedMappersAndLeavesNoThread() throws Exception {
        List<Integer> out = goflow.stream(range(10)).mapConcurrent(3, x -> {
            if (x > 0) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return x;
        }).limit(1).toList(ctx);
        assertEquals(List.of(0), out);
        assertTrue(streamThreads().isEmpty(), streamThreads().toString());
    }

    @Test
    void aMapperFailureIsThrownInOrder() {
        List<Integer> seen = new ArrayList<>();
        var e = assertThrows(IllegalStateException.class, () -> goflow.stream(range(20)).mapConcurrent(4, x -> {
            if (x == 5) {
                throw new IllegalStateException("no " + x);
            }
            sleepBriefly(2);
            return x;
        }).forEach(ctx, seen::add));
        assertEquals("no 5", e.getMessage());
        assertEquals(List.of(0, 1, 2, 3, 4), seen);
        assertTrue(streamThreads().isEmpty());
    }

    @Test
    void cancellationStopsAWaitingTerminalAndItsWorkers() throws Exception {
        TrackingSource source = new TrackingSource(100);
        CountDownLatch blocked = new CountDownLatch(1);
        try (CancellableContext c = ctx.withCancel()) {
            CompletableFuture<Throwable> result = CompletableFuture.supplyAsync(() -> {
                try {
                    goflow.streams().fromSource(source).mapConcurrent(2, x -> {
                        blocked.countDown();
                        try {
                            Thread.sleep(60_000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return x;
                    }).toList(c);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            blocked.await();
            c.cancel();
            assertInstanceOf(CancelledException.class, result.get());
        }
        assertEquals(1, source.closed.get());
        Eventually.until(() -> streamThreads().isEmpty());
    }

    @Test
    void aMapperThatLeavesItsThreadInterruptedDoesNotStopItsWorker() throws Exception {
        // e.g. a mapper that caught an InterruptedException somewhere and restored the flag
        List<Integer> out = goflow.stream(range(5)).mapConcurrent(1, x -> {
            Thread.currentThread().interrupt();
            return x;
        }).toList(ctx);
        assertEquals(range(5), out);
        assertTrue(streamThreads().isEmpty());
    }

    @Test
    void anEmptyUpstreamStartsNoThread() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        assertEquals(List.of(), goflow.streams().<Integer>empty().mapConcurrent(4, x -> calls.incrementAndGet())
                .toList(ctx));
        assertEquals(0, calls.get());
    }

    @Test
    void composesWithTheOtherOperations() throws Exception {
        List<String> out = goflow.stream(range(30))
                .filter(x -> x % 2 == 0)
                .mapConcurrent(3, x -> "v" + x)
                .skip(2)
                .limit(3)
                .toList(ctx);
        assertEquals(List.of("v4", "v6", "v8"), out);
    }

    @Test
    void closingTheStreamFromAnotherThreadStopsItsWorkers() throws Exception {
        TrackingSource source = new TrackingSource(100);
        CountDownLatch blocked = new CountDownLatch(1);
        goflow.api.stream.Stream<Integer> s = goflow.streams().fromSource(source).mapConcurrent(2, x -> {
            blocked.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return x;
        });
        CompletableFuture<Throwable> result = CompletableFuture.supplyAsync(() -> {
            try {
                s.toList(ctx);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        blocked.await();
        s.close();
        assertInstanceOf(goflow.api.stream.StreamClosedException.class, result.get());
        assertEquals(1, source.closed.get());
        assertEquals(0, source.readAfterClose.get());
        Eventually.until(() -> streamThreads().isEmpty());
    }
}
