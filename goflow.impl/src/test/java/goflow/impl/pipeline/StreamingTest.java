package goflow.impl.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.ClosedException;
import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineListener;
import goflow.api.pipeline.StageResult;
import goflow.api.pipeline.StreamingResult;
import goflow.api.pipeline.StreamingRun;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.NoThreadLeaks;

class StreamingTest extends NoThreadLeaks.LeakCheckedTest {

    @AfterEach
    void testThreadIsNotLeftInterrupted() {
        assertFalse(Thread.interrupted(), "the test thread was left interrupted");
    }
    private final GoFlow goflow = new GoFlowImpl();

    @AfterEach
    void close() {
        goflow.close();
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    /** An endless source that counts what was pulled. */
    private static Iterator<Integer> counting(AtomicLong pulled) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                return (int) pulled.getAndIncrement();
            }
        };
    }

    private static void jitter() throws InterruptedException {
        int micros = ThreadLocalRandom.current().nextInt(500);
        TimeUnit.MICROSECONDS.sleep(micros);
    }

    @Test
    void inputOrderIsPreservedWithConcurrentStages() throws Exception {
        Set<String> workers = ConcurrentHashMap.newKeySet();
        Pipeline<Integer, String> p = goflow.pipeline("ordered")
                .stage("square", (Integer i) -> i * i)
                .stageWithContext("jitter", (ctx, i) -> {
                    workers.add(Thread.currentThread().getName());
                    jitter();
                    return i;
                })
                .stage("format", i -> "v" + i)
                .build();
        List<String> out = new ArrayList<>();
        StreamingResult r = p.stream().concurrency("jitter", 4).buffer(4)
                .run(Context.background(), range(300), out::add);

        assertTrue(r.completed(), String.valueOf(r.error()));
        assertEquals(range(300).stream().map(i -> "v" + i * i).toList(), out);
        assertEquals(300, r.itemsIn());
        assertEquals(300, r.itemsOut());
        assertEquals(0, r.itemsFailed());
        assertEquals(0, r.itemsDropped());
        assertTrue(workers.size() > 1, "several workers ran the stage: " + workers);
        assertTrue(workers.stream().allMatch(n -> n.startsWith("goflow-pipeline-ordered-")), workers.toString());
        assertEquals(300, p.stats().executions());
        assertEquals(300, p.stats().stage("jitter").orElseThrow().count());
        assertEquals(0, p.stats().inFlight());
    }

    @Test
    void unorderedDeliversEverything() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("unordered").stageWithContext("jitter", (Context ctx, Integer i) -> {
            jitter();
            return i;
        }).build();
        Set<Integer> out = new HashSet<>();
        StreamingResult r = p.stream().concurrency(3).unordered().run(Context.background(), range(200), out::add);
        assertTrue(r.completed());
        assertEquals(new HashSet<>(range(200)), out);
    }

    @Test
    void aSlowStageBoundsTheItemsInFlightAndSlowsTheProducer() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong pulled = new AtomicLong();
        Pipeline<Integer, Integer> p = goflow.pipeline("bounded")
                .stage("fast", (Integer i) -> i)
                .stageWithContext("slow", (ctx, i) -> {
                    release.await();
                    return i;
                })
                .build();
        List<Integer> out = Collections.synchronizedList(new ArrayList<>());
        StreamingRun run = p.stream().buffer("fast", 3).buffer("slow", 2)
                .start(Context.background(), counting(pulled), out::add);

        // fast: 3 buffered + 1 worker; slow: 2 buffered + 1 worker = 7, then the producer blocks.
        Eventually.untilAsserted(() -> assertEquals(7, run.itemsIn()));
        Thread.sleep(100); // give an unbounded producer the chance to run ahead
        assertEquals(7, run.itemsIn());
        assertEquals(7, pulled.get(), "the source is not read ahead");
        assertEquals(7, run.itemsInFlight());
        assertEquals(7, p.stats().inFlight());
        assertEquals(1, p.stats().stage("slow").orElseThrow().inFlight());
        assertEquals(0, run.itemsOut());

        release.countDown();
        Eventually.untilAsserted(() -> assertTrue(run.itemsOut() > 100));
        assertTrue(run.itemsInFlight() <= 7, "in flight " + run.itemsInFlight());
        run.cancel();
        StreamingResult r = run.await();
        assertInstanceOf(CancelledException.class, r.error());
        assertFalse(r.completed());
        assertEquals(r.itemsIn(), r.itemsOut() + r.itemsFailed() + r.itemsDropped());
        assertTrue(r.itemsDropped() <= 7);
        assertEquals(0, p.stats().inFlight());
        List<Integer> delivered = new ArrayList<>(out);
        assertEquals(range(delivered.size()), delivered, "delivered in order, without gaps");
    }

    @Test
    void failedItemsGoToTheErrorHandlerInOrderAndTheRunGoesOn() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("routed")
                .stage("check", (Integer i) -> {
                    if (i % 3 == 0) {
                        throw new IllegalArgumentException("bad " + i);
                    }
                    return i;
                })
                .stageWithContext("jitter", (ctx, i) -> {
                    jitter();
                    return i * 10;
                })
                .build();
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        StreamingResult r = p.stream().concurrency(3)
                .onError((item, failure) -> events.add("error:" + item + ":" + failure.stageName() + ":"
                        + failure.error().getMessage()))
                .run(Context.background(), range(30), o -> events.add("out:" + o));

        assertTrue(r.completed());
        assertEquals(30, r.itemsIn());
        assertEquals(20, r.itemsOut());
        assertEquals(10, r.itemsFailed());
        List<String> expected = range(30).stream()
                .map(i -> i % 3 == 0 ? "error:" + i + ":check:bad " + i : "out:" + i * 10).toList();
        assertEquals(expected, events);
        assertEquals(10, p.stats().failures());
        assertEquals(20, p.stats().successes());
        assertEquals(10, p.stats().stage("check").orElseThrow().errors());
    }

    @Test
    void withoutAHandlerTheFirstFailureStopsTheRun() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom");
        Pipeline<Integer, Integer> p = goflow.pipeline("stopping").stage("fail", (Integer i) -> {
            if (i == 5) {
                throw boom;
            }
            return i;
        }).build();
        List<Integer> out = Collections.synchronizedList(new ArrayList<>());
        StreamingResult r = p.run(Context.background(), range(10_000), out::add);
        assertSame(boom, r.error());
        assertFalse(r.completed());
        assertEquals(1, r.itemsFailed());
        assertTrue(r.itemsIn() < 10_000, "stopped early: " + r.itemsIn());
        assertEquals(r.itemsIn(), r.itemsOut() + r.itemsFailed() + r.itemsDropped());
        assertTrue(out.size() <= 5 && out.equals(range(out.size())), out.toString());
        assertEquals(0, p.stats().inFlight());
    }

    @Test
    void cancellingTheContextStopsEveryThreadMidStage() throws Exception {
        CountDownLatch entered = new CountDownLatch(2);
        AtomicInteger interrupted = new AtomicInteger();
        Pipeline<Integer, Integer> p = goflow.pipeline("cancelled").stageWithContext("wait", (Context ctx, Integer i) -> {
            entered.countDown();
            try {
                ctx.sleep(Duration.ofDays(1));
            } catch (CancelledException | InterruptedException e) {
                interrupted.incrementAndGet();
                throw e;
            }
            return i;
        }).build();
        CancellableContext ctx = Context.background().withCancel();
        StreamingRun run = p.stream().concurrency(2).start(ctx, range(100), o -> { });
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        ctx.cancel();
        StreamingResult r = run.await();
        assertInstanceOf(CancelledException.class, r.error());
        assertEquals(2, interrupted.get());
        assertEquals(0, r.itemsOut());
        assertEquals(r.itemsIn(), r.itemsDropped());
        assertSame(r, run.completion().get(1, TimeUnit.SECONDS));
        assertEquals(0, p.stats().stage("wait").orElseThrow().inFlight());
    }

    @Test
    void cancellingTheCompletionFutureCancelsTheRun() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("future").stageWithContext("wait", (Context ctx, Integer i) -> {
            ctx.sleep(Duration.ofDays(1));
            return i;
        }).build();
        StreamingRun run = p.stream().start(Context.background(), range(10), o -> { });
        run.completion().cancel(true);
        assertInstanceOf(CancelledException.class, run.await().error());
    }

    @Test
    void closingThePipelineCancelsItsRuns() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("closed").stageWithContext("wait", (Context ctx, Integer i) -> {
            ctx.sleep(Duration.ofDays(1));
            return i;
        }).build();
        StreamingRun run = p.stream().start(Context.background(), range(10), o -> { });
        Eventually.until(() -> p.stats().stage("wait").orElseThrow().inFlight() == 1);
        p.close();
        assertInstanceOf(CancelledException.class, run.await().error());
        assertThrows(ClosedException.class, () -> p.stream().start(Context.background(), range(1), o -> { }));
    }

    @Test
    void sourceAndSinkFailuresStopTheRun() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("edges").stage("id", (Integer i) -> i).build();
        RuntimeException sourceBug = new IllegalStateException("source bug");
        Iterator<Integer> bad = new Iterator<>() {
            int n;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public Integer next() {
                if (n == 3) {
                    throw sourceBug;
                }
                return n++;
            }
        };
        StreamingResult r1 = p.stream().start(Context.background(), bad, o -> { }).await();
        assertSame(sourceBug, r1.error());

        RuntimeException sinkBug = new IllegalStateException("sink bug");
        StreamingResult r2 = p.run(Context.background(), range(100), o -> {
            if (o == 2) {
                throw sinkBug;
            }
        });
        assertSame(sinkBug, r2.error());
        assertEquals(2, r2.itemsOut());

        StreamingResult r3 = p.stream().onError((i, f) -> {
            throw new IllegalStateException("handler gave up on " + i);
        }).run(Context.background(), List.of(1), o -> { });
        assertNull(r3.error());

        Pipeline<Integer, Integer> failing = goflow.pipeline("handler-fails").<Integer, Integer>stage("f", (Integer i) -> {
            throw new IllegalArgumentException();
        }).build();
        StreamingResult r4 = failing.stream().onError((i, f) -> {
            throw new IllegalStateException("handler gave up on " + i);
        }).run(Context.background(), range(5), o -> { });
        assertEquals("handler gave up on 0", r4.error().getMessage());
    }

    @Test
    void emptySourceAndEmptyPipeline() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("e").stage("id", (Integer i) -> i).build();
        StreamingResult r = p.run(Context.background(), List.of(), o -> { });
        assertTrue(r.completed());
        assertEquals(0, r.itemsIn());

        Pipeline<String, String> none = goflow.pipeline("none").input(String.class).build();
        List<String> out = new ArrayList<>();
        assertTrue(none.run(Context.background(), List.of("a", "b"), out::add).completed());
        assertEquals(List.of("a", "b"), out);
    }

    @Test
    void stageListenersAreCalledPerItem() throws Exception {
        AtomicInteger starts = new AtomicInteger();
        AtomicInteger completes = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        PipelineListener l = new PipelineListener() {
            @Override
            public void onStageStart(String pipeline, String stage, Object input) {
                starts.incrementAndGet();
            }

            @Override
            public void onStageComplete(String pipeline, StageResult result) {
                completes.incrementAndGet();
            }

            @Override
            public void onStageError(String pipeline, StageResult result) {
                errors.incrementAndGet();
            }
        };
        Pipeline<Integer, Integer> p = goflow.pipeline("events").listener(l).stage("a", (Integer i) -> i)
                .stage("b", i -> 10 / i).build();
        StreamingResult r = p.stream().onError((i, f) -> { }).run(Context.background(), range(10), o -> { });
        assertTrue(r.completed());
        assertEquals(20, starts.get());
        assertEquals(20, completes.get());
        assertEquals(1, errors.get());
    }

    @Test
    void streamingOptionsAreValidated() {
        Pipeline<Integer, Integer> p = goflow.pipeline("opts").stage("a", (Integer i) -> i).build();
        InvalidConfigException unknown = assertThrows(InvalidConfigException.class,
                () -> p.stream().concurrency("nope", 2));
        assertEquals("pipeline-stream: invalid stage=\"nope\" (is not a stage of pipeline 'opts') - its stages are [a]",
                unknown.getMessage());
        InvalidConfigException zero = assertThrows(InvalidConfigException.class, () -> p.stream().buffer(0));
        assertEquals("buffer", zero.field());
        assertThrows(InvalidConfigException.class, () -> p.stream().concurrency("a", 0));
        // a run starts every worker's thread up front: a huge count is refused, not an OutOfMemoryError at start()
        InvalidConfigException huge = assertThrows(InvalidConfigException.class,
                () -> p.stream().concurrency(Integer.MAX_VALUE));
        assertEquals("pipeline-stream: invalid concurrency=2147483647 (must be at most 10000) - the number of "
                + "workers per stage; a run starts a thread for each when it starts", huge.getMessage());
        assertEquals("concurrency[a]", assertThrows(InvalidConfigException.class,
                () -> p.stream().concurrency("a", 10_001)).field());
        p.stream().concurrency("a", 10_000); // the most
        assertThrows(InvalidConfigException.class, () -> p.stream().unordered().unordered());
        assertThrows(InvalidConfigException.class, () -> p.stream().concurrency(2).concurrency(3));
        assertThrows(InvalidConfigException.class, () -> p.stream().start(null, range(1), o -> { }));
    }

    @Test
    void concurrentRunsShareTheStatistics() throws Exception {
        Pipeline<Integer, Integer> p = goflow.pipeline("shared").stage("inc", (Integer i) -> i + 1).build();
        List<StreamingRun> runs = new ArrayList<>();
        List<AtomicInteger> sums = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            AtomicInteger sum = new AtomicInteger();
            sums.add(sum);
            runs.add(p.stream().concurrency(2).start(Context.background(), range(500), sum::addAndGet));
        }
        for (StreamingRun run : runs) {
            assertTrue(run.await().completed());
        }
        assertEquals(1500, p.stats().executions());
        assertEquals(1500, p.stats().stage("inc").orElseThrow().successes());
        for (AtomicInteger sum : sums) {
            assertEquals(500 * 501 / 2, sum.get());
        }
    }
}
