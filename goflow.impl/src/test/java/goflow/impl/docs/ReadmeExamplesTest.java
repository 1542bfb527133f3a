package goflow.impl.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.pipeline.PipelineResult;
import goflow.api.pool.TaskResult;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.KeyedRateLimiter;
import goflow.api.ratelimit.Rate;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.ratelimit.Reservation;
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
}
