package goflow.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.Primitive;
import goflow.api.channel.BackpressureChannel;
import goflow.api.channel.OverflowStrategy;
import goflow.api.inspect.PrimitiveInfo;
import goflow.api.io.AsyncWriter;
import goflow.api.pipeline.Pipeline;
import goflow.api.pool.TaskResult;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.KeyedRateLimiter;
import goflow.api.ratelimit.LeakyBucket;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.schedule.Scheduler;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.redis.streams.RedisStreamConsumer;
import redis.clients.jedis.RedisClient;

/**
 * The exposition of real primitives after a known workload: every value is exactly what the
 * workload implies, every figure of every kind has a described family, and Prometheus' own parser
 * accepts the text without a complaint.
 */
class KnownWorkloadTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlow goflow = new GoFlowImpl(clock, "test-owner");

    @AfterEach
    void close() {
        goflow.close();
    }

    @Test
    void afterNRejectionsAndMTasksTheValuesAreExactlyThose() throws Exception {
        RateLimiter api = goflow.tokenBucket().name("api").rate(1).burst(5).build();
        int allowed = 0;
        for (int i = 0; i < 12; i++) {
            allowed += api.allow() ? 1 : 0;
        }
        assertEquals(5, allowed); // the clock stands still: the burst, then 7 rejections
        WorkerPool pool = goflow.workerPool().name("jobs").workers(2).queueCapacity(10).build();
        List<TaskResult<Integer>> results = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            int n = i;
            results.add(pool.submit(ctx -> {
                if (n % 3 == 0) {
                    throw new IllegalStateException("task " + n);
                }
                return n;
            }).join());
        }
        Pipeline<String, Integer> words = goflow.pipeline("words").stage("trim", String::trim)
                .stage("len", s -> {
                    if (s.isEmpty()) {
                        throw new IllegalArgumentException("empty");
                    }
                    return s.length();
                }).build();
        words.execute(" a ");
        words.execute(" bb ");
        words.execute("   ");

        String text = PrometheusText.toText(Samples.of(goflow.registry().snapshot()));
        Map<String, String> s = Promtool.samples(text);
        String apiLabels = "{name=\"api\",kind=\"token-bucket\",owner=\"test-owner\"}";
        assertEquals("5", s.get("goflow_token_bucket_allowed_total" + apiLabels), text);
        assertEquals("7", s.get("goflow_token_bucket_denied_total" + apiLabels), text);
        assertEquals("5", s.get("goflow_token_bucket_burst" + apiLabels), text);
        assertEquals("1", s.get("goflow_token_bucket_rate_per_second" + apiLabels), text);
        assertEquals("0", s.get("goflow_token_bucket_tokens" + apiLabels), text);
        String pool9 = "{name=\"jobs\",kind=\"worker-pool\",owner=\"test-owner\"}";
        assertEquals("9", s.get("goflow_worker_pool_submitted_total" + pool9), text);
        assertEquals("9", s.get("goflow_worker_pool_completed_total" + pool9), text);
        assertEquals("6", s.get("goflow_worker_pool_succeeded_total" + pool9), text);
        assertEquals("3", s.get("goflow_worker_pool_failed_total" + pool9), text);
        assertEquals("0", s.get("goflow_worker_pool_rejected_total" + pool9), text);
        assertEquals("2", s.get("goflow_worker_pool_workers" + pool9), text);
        assertEquals("10", s.get("goflow_worker_pool_queue_capacity" + pool9), text);
        assertEquals("0", s.get("goflow_worker_pool_average_task_time_seconds" + pool9), text);
        assertEquals("1", s.get("goflow_worker_pool_state{name=\"jobs\",kind=\"worker-pool\",owner=\"test-owner\","
                + "state=\"RUNNING\"}"), text);
        String words3 = "{name=\"words\",kind=\"pipeline\",owner=\"test-owner\"}";
        assertEquals("3", s.get("goflow_pipeline_executions_total" + words3), text);
        assertEquals("2", s.get("goflow_pipeline_successes_total" + words3), text);
        assertEquals("1", s.get("goflow_pipeline_failures_total" + words3), text);
        assertEquals("2", s.get("goflow_pipeline_stages" + words3), text);
        String len = "{name=\"words\",kind=\"pipeline\",owner=\"test-owner\",stage=\"len\"}";
        assertEquals("3", s.get("goflow_pipeline_stage_calls_total" + len), text);
        assertEquals("1", s.get("goflow_pipeline_stage_errors_total" + len), text);
        assertEquals("3", s.get("goflow_pipeline_stage_calls_total{name=\"words\",kind=\"pipeline\","
                + "owner=\"test-owner\",stage=\"trim\"}"), text);
        Promtool.check(text);
    }

    @Test
    void durationsAreWrittenInSeconds() throws Exception {
        Duration slow = Duration.ofMillis(1500);
        Pipeline<String, String> timed = goflow.pipeline("timed").stage("fast", String::trim)
                .stage("slow", s -> {
                    clock.advance(slow);
                    return s;
                }).build();
        timed.execute(" a ");
        WorkerPool pool = goflow.workerPool().name("timed-pool").workers(1).build();
        pool.submit(ctx -> {
            clock.advance(slow);
            return 1;
        }).join();
        WorkerPool untimed = goflow.workerPool().name("untimed-pool").workers(1).measureTaskTimes(false).build();
        untimed.submit(ctx -> {
            clock.advance(slow);
            return 1;
        }).join();

        String text = PrometheusText.toText(Samples.of(goflow.registry().snapshot()));
        Map<String, String> s = Promtool.samples(text);
        String pipe = "{name=\"timed\",kind=\"pipeline\",owner=\"test-owner\"}";
        assertEquals("1.5", s.get("goflow_pipeline_duration_seconds_total" + pipe), text);
        assertEquals("1.5", s.get("goflow_pipeline_average_duration_seconds" + pipe), text);
        assertEquals("1.5", s.get("goflow_pipeline_max_duration_seconds" + pipe), text);
        String slowStage = "{name=\"timed\",kind=\"pipeline\",owner=\"test-owner\",stage=\"slow\"}";
        assertEquals("1.5", s.get("goflow_pipeline_stage_duration_seconds_total" + slowStage), text);
        assertEquals("1.5", s.get("goflow_pipeline_stage_average_duration_seconds" + slowStage), text);
        assertEquals("1.5", s.get("goflow_pipeline_stage_max_duration_seconds" + slowStage), text);
        assertEquals("0", s.get("goflow_pipeline_stage_duration_seconds_total{name=\"timed\",kind=\"pipeline\","
                + "owner=\"test-owner\",stage=\"fast\"}"), text);
        String poolLabels = "{name=\"timed-pool\",kind=\"worker-pool\",owner=\"test-owner\"}";
        assertEquals("1.5", s.get("goflow_worker_pool_average_task_time_seconds" + poolLabels), text);
        assertEquals("1.5", s.get("goflow_worker_pool_max_task_time_seconds" + poolLabels), text);
        String untimedLabels = "{name=\"untimed-pool\",kind=\"worker-pool\",owner=\"test-owner\"}";
        assertEquals("1", s.get("goflow_worker_pool_completed_total" + untimedLabels), text);
        assertFalse(s.containsKey("goflow_worker_pool_average_task_time_seconds" + untimedLabels),
                "a pool that does not measure task times has no task time samples, not zeros: " + text);
        assertFalse(s.containsKey("goflow_worker_pool_max_task_time_seconds" + untimedLabels), text);
        Promtool.check(text);
        pool.shutdown().join();
        untimed.shutdown().join();
    }

    @Test
    void everyFigureOfEveryKindHasADescribedFamilyAndEveryFamilyIsUsed() throws Exception {
        Set<Primitive.Kind> kinds = new TreeSet<>();
        RateLimiter tb = goflow.tokenBucket().name("tb").rate(Double.POSITIVE_INFINITY).burst(1).build();
        LeakyBucket lb = goflow.leakyBucket().name("lb").leakRate(3).capacity(2).build();
        ConcurrencyLimiter cl = goflow.concurrencyLimiter().name("cl").capacity(2).build();
        AdaptiveLimiter al = goflow.adaptiveLimiter().name("al").build();
        KeyedRateLimiter<String> kl = goflow.keyedRateLimiter().name("kl").rate(1).burst(1).build();
        kl.allow("k");
        WorkerPool wp = goflow.workerPool().name("wp").workers(1).build();
        Scheduler sc = goflow.scheduler().name("sc").build();
        Pipeline<String, String> pl = goflow.pipeline("pl").stage("trim", String::trim).build();
        pl.execute("x");
        BackpressureChannel<String> ch = goflow.<String>channel().name("ch").capacity(4)
                .strategy(OverflowStrategy.DROP_OLDEST).build();
        AsyncWriter aw = goflow.asyncWriter().name("aw").output(java.io.OutputStream.nullOutputStream()).build();
        // a stream consumer, listed and never started: its figures are there without a Redis (pending -1)
        RedisClient nowhere = RedisClient.create("127.0.0.1", 1);
        RedisStreamConsumer rc = RedisStreamConsumer.builder(nowhere)
                .stream("in").group("g").output("out").name("rc").listIn(goflow)
                .pipeline(goflow.pipeline("rc-pipe").input(String.class).stage("s", s -> s).build()).build();
        List<Primitive> all = List.of(tb, lb, cl, al, kl, wp, sc, pl, ch, aw, rc);
        Set<String> used = new TreeSet<>();
        for (PrimitiveInfo row : goflow.registry().snapshot()) {
            kinds.add(row.kind());
            List<Sample> samples = new ArrayList<>();
            Samples.of(row, samples);
            for (Sample sample : samples) {
                assertFalse(sample.metric().help().contains("not described"),
                        () -> row.kind() + " has an undescribed figure: " + sample.metric().name());
                used.add(sample.metric().name());
            }
        }
        assertEquals(Set.of(Primitive.Kind.values()), kinds, "a kind of primitive is missing from this test");
        Set<String> catalogued = new TreeSet<>();
        MetricCatalog.all().forEach(m -> catalogued.add(m.name()));
        catalogued.remove(MetricCatalog.PIPELINE_MISSING_STAGES.name()); // goflow.web's, from the plugins present
        assertEquals(catalogued, used, "catalogued families that no primitive has (or the reverse)");
        String text = PrometheusText.toText(Samples.of(goflow.registry().snapshot()));
        assertTrue(text.contains("goflow_token_bucket_rate_per_second{name=\"tb\",kind=\"token-bucket\","
                + "owner=\"test-owner\"} +Inf\n"), text);
        Promtool.check(text);
        all.forEach(Primitive::close);
        nowhere.close();
    }
}
