package goflow.impl.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.channel.BackpressureChannel;
import goflow.api.channel.ChannelLink;
import goflow.api.channel.OverflowStrategy;
import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.io.AsyncWriter;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pool.QueueFullPolicy;
import goflow.api.pool.Task;
import goflow.api.pool.TaskResult;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.GradientLimit;
import goflow.api.ratelimit.Permit;
import goflow.api.ratelimit.KeyedRateLimiter;
import goflow.api.ratelimit.Rate;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.ratelimit.Reservation;
import goflow.api.schedule.Backoff;
import goflow.api.schedule.ScheduledTask;
import goflow.api.schedule.Scheduler;
import goflow.api.testing.ManualClock;
import goflow.impl.testing.NoThreadLeaks;

/**
 * The README's code examples, compiled and run, so the first thing a user copies works. Keep the
 * bodies in step with README.md.
 */
class ReadmeExamplesTest extends NoThreadLeaks.LeakCheckedTest {

    private static String fetch(Context ctx) {
        ctx.throwIfDone();
        return "fetched";
    }

    @Test
    void theFirstExample() throws Exception {
        List<String> printed = new ArrayList<>();
        try (GoFlow goflow = GoFlow.load()) {
            RateLimiter api = goflow.tokenBucket().name("api").rate(100).burst(200).build();
            WorkerPool pool = goflow.workerPool().name("handlers").workers(8).queueCapacity(1000).build();

            try (CancellableContext ctx = Context.background().withTimeout(Duration.ofSeconds(2))) {
                api.await(ctx);
                TaskResult<String> r = pool.submit(ctx, c -> fetch(c)).join();
                printed.add(r.outcome() + " in " + r.duration());
            }
            goflow.registry().snapshot().forEach(row ->
                    printed.add(row.name() + " " + row.stats().toMap()));
        }
        assertTrue(printed.get(0).startsWith("SUCCEEDED in PT"), printed.toString());
        assertEquals(3, printed.size(), printed.toString());
    }

    @Test
    void adaptiveConcurrencyLimits() throws Exception {
        try (GoFlow goflow = GoFlow.load()) {
            WorkerPool pool = goflow.workerPool().name("callers").workers(2).build();
            AtomicInteger queries = new AtomicInteger();
            // the README's lines, with query() and fetch() counting
            AdaptiveLimiter db = goflow.adaptiveLimiter().name("db").algorithm(GradientLimit.defaults())
                    .minLimit(2).maxLimit(200).partition("batch", 0.2).build();
            try (Permit p = db.acquirePermit(Context.background())) {
                queries.incrementAndGet();
                p.success();
            }
            String row = db.call(Context.background(), c -> "row-" + queries.incrementAndGet());
            TaskResult<String> fetched = pool.submit(Context.background(), c -> db.call(c, cc -> fetch(cc))).join();
            assertEquals("row-2", row);
            assertEquals("fetched", fetched.valueOrThrow());
            assertEquals(3, db.stats().succeeded());
            assertEquals(0, db.inFlight());
        }
    }

    @Test
    void theContextSection() throws Exception {
        ManualClock clock = new ManualClock();
        try (GoFlow goflow = GoFlow.load()) {
            RateLimiter limiter = goflow.tokenBucket().rate(100).burst(1).clock(clock).build();
            List<String> logged = new ArrayList<>();
            // the README's lines, on a manual clock
            Context root = Context.background(clock);
            try (CancellableContext request = root.withTimeout(Duration.ofMillis(500))) {
                request.onDone(() -> logged.add("request ended: " + request.error().orElseThrow()));
                limiter.await(request);
                Thread advancer = new Thread(() -> { // moves the clock once the sleep below parks on it
                    long giveUp = System.nanoTime() + 30_000_000_000L;
                    while (clock.parkedThreads() == 0 && System.nanoTime() < giveUp) {
                        Thread.onSpinWait();
                    }
                    clock.advance(Duration.ofMillis(50));
                });
                advancer.start();
                request.sleep(Duration.ofMillis(50));
                advancer.join();
                request.throwIfDone();
            }
            assertEquals(1, logged.size(), logged.toString());
            assertTrue(logged.get(0).startsWith("request ended: goflow.api.context.CancelledException"), logged.get(0));

            // "DeadlineExceededException at once if 500 ms is not enough"
            RateLimiter slow = goflow.tokenBucket().rate(1).burst(1).initialTokens(0).clock(clock).build();
            try (CancellableContext request = root.withTimeout(Duration.ofMillis(500))) {
                assertThrows(DeadlineExceededException.class, () -> slow.await(request));
                assertEquals(0, clock.parkedThreads());
            }

            // "cause() reports the reason given to cancel(Throwable)"
            IllegalStateException reason = new IllegalStateException("client went away");
            CancellableContext c = root.withCancel();
            c.cancel(reason);
            assertSame(reason, c.cause().orElseThrow());
            assertThrows(CancelledException.class, c::throwIfDone);
        }
    }

    @Test
    void theRateLimitingSection() throws Exception {
        try (GoFlow goflow = GoFlow.load()) {
            Context ctx = Context.background();
            RateLimiter api = goflow.tokenBucket().name("api").rate(100).burst(200).build();
            assertTrue(api.allow());
            api.await(ctx, 5);
            Reservation r = api.reserve(10);
            r.cancel();
            api.setRate(Rate.every(Duration.ofMillis(20)));
            assertEquals(Rate.perSecond(50), api.rate());

            goflow.leakyBucket().name("db-writes").leakRate(50).capacity(10).build();

            ConcurrencyLimiter db = goflow.concurrencyLimiter().name("db").capacity(20).fair(true).build();
            db.acquire(ctx, 1);
            try {
                assertEquals(1, db.inUse());
            } finally {
                db.release(1);
            }
            db.setCapacity(10);

            KeyedRateLimiter<String> perClient = goflow.keyedRateLimiter().name("per-client")
                    .rate(10).burst(20).maxKeys(100_000).idleTimeout(Duration.ofMinutes(10)).build();
            assertTrue(perClient.allow("client-1"));
        }
    }

    @Test
    void thePipelineSection() throws Exception {
        try (GoFlow goflow = GoFlow.load()) {
            Context ctx = Context.background();
            Pipeline<String, Integer> words = goflow.pipeline("words")
                    .stage("trim", String::trim)
                    .stage("upper", s -> s.toUpperCase())
                    .stage("len", s -> s.length())
                    .timeout(Duration.ofSeconds(2))
                    .build();
            PipelineResult<String, Integer> r = words.execute(ctx, "  hello ");
            assertEquals(5, r.output());
            assertTrue(r.succeeded());
            assertEquals(3, r.stages().size());

            List<Integer> out = new ArrayList<>();
            words.stream().concurrency(4).buffer(64)
                    .onError((item, error) -> { })
                    .run(ctx, List.of(" a", "bb ", " ccc "), out::add);
            assertEquals(List.of(1, 2, 3), out);
            assertEquals(4, words.stats().executions());
        }
    }

    @Test
    void theWorkerPoolSection() throws Exception {
        try (GoFlow goflow = GoFlow.load()) {
            Context ctx = Context.background();
            WorkerPool pool = goflow.workerPool().name("images")
                    .workers(4).queueCapacity(1_000)
                    .taskTimeout(Duration.ofSeconds(30))
                    .onQueueFull(QueueFullPolicy.REJECT)
                    .build();
            CompletableFuture<TaskResult<String>> f = pool.submit(ctx, c -> "thumbnail");
            TaskResult<String> r = f.join();
            assertEquals("thumbnail", r.value());
            AtomicInteger cleaned = new AtomicInteger();
            pool.execute(cleaned::incrementAndGet);
            pool.setWorkers(8);
            pool.shutdown().join();
            List<Task<?>> neverStarted = pool.shutdownNow();
            assertEquals(List.of(), neverStarted);
            assertEquals(1, cleaned.get());
        }
    }

    @Test
    void theSchedulerSection() throws Exception {
        try (GoFlow goflow = GoFlow.load()) {
            Scheduler scheduler = goflow.scheduler().name("jobs").workers(2).zone(ZoneId.of("Europe/Berlin")).build();
            scheduler.start();
            scheduler.once(Duration.ofSeconds(30), ctx -> { });
            scheduler.every(Duration.ofMinutes(5), ctx -> { });
            scheduler.withFixedDelay(Duration.ofSeconds(10), ctx -> { });
            scheduler.cron("0 9 * * MON-FRI", ctx -> { });
            scheduler.cron("@every 1h30m", ctx -> { });
            ScheduledTask upload = scheduler.task(ctx -> { }).id("upload")
                    .retry(Backoff.exponential(5, Duration.ofSeconds(1), Duration.ofMinutes(1)))
                    .once(Duration.ofHours(1));
            assertTrue(upload.nextRun().isPresent());
            assertEquals(0, upload.runCount());
            assertTrue(upload.lastOutcome().isEmpty());
            upload.cancel();
            scheduler.stop();
        }
    }

    @Test
    void theStreamsSection() throws Exception {
        try (GoFlow goflow = GoFlow.load()) {
            Context ctx = Context.background();
            List<String> names = goflow.stream(List.of("carol", "alice", "", "bob"))
                    .filter(n -> !n.isEmpty())
                    .map(String::toUpperCase)
                    .sorted()
                    .limit(10)
                    .toList(ctx);
            assertEquals(List.of("ALICE", "BOB", "CAROL"), names);

            AtomicLong counter = new AtomicLong();
            RateLimiter limiter = goflow.tokenBucket().rate(Rate.UNLIMITED).burst(1).build();
            Map<Boolean, Long> byParity = goflow.streams().generate(counter::incrementAndGet)
                    .takeWhile(i -> i <= 1_000)
                    .mapConcurrent(8, i -> i * 3)
                    .throttle(limiter)
                    .collect(ctx, Collectors.partitioningBy(x -> x % 2 == 0, Collectors.counting()));
            assertEquals(Map.of(true, 500L, false, 500L), byParity);
        }
    }

    @Test
    void theChannelAndWriterSections() throws Exception {
        try (GoFlow goflow = GoFlow.load()) {
            Context ctx = Context.background();
            AtomicInteger dropped = new AtomicInteger();
            BackpressureChannel<String> events = goflow.<String>channel().name("events")
                    .capacity(1_000).strategy(OverflowStrategy.DROP_OLDEST)
                    .onDrop(e -> dropped.incrementAndGet())
                    .build();
            events.send(ctx, "event");
            assertEquals("event", events.receive(ctx));
            events.close();

            BackpressureChannel<String> a = goflow.<String>channel().build();
            BackpressureChannel<String> b = goflow.<String>channel().build();
            BackpressureChannel<String> merged = goflow.<String>channel().build();
            ChannelLink link = goflow.channels().merge(ctx, List.of(a, b), merged);
            a.send(ctx, "a");
            b.send(ctx, "b");
            a.close();
            b.close();
            link.completion().toCompletableFuture().join();
            assertEquals(2, merged.size());
            assertTrue(link.close(Duration.ofSeconds(5)), "the link's threads have stopped");

            ByteArrayOutputStream file = new ByteArrayOutputStream();
            try (AsyncWriter log = goflow.asyncWriter().name("access-log")
                    .output(file)
                    .capacity(256 * 1024).flushInterval(Duration.ofMillis(200))
                    .maxRetries(3).retryDelay(Duration.ofMillis(100))
                    .build()) {
                log.write(ctx, "GET /index.html 200\n");
                log.flush(ctx);
                assertEquals("GET /index.html 200\n", file.toString(StandardCharsets.UTF_8));
            }
        }
    }
}
