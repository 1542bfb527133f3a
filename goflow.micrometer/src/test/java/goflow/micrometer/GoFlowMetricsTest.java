package goflow.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import goflow.api.GoFlow;
import goflow.api.pipeline.Pipeline;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.metrics.Sample;
import goflow.metrics.Samples;

/** A plain JVM: goflow primitives in a SimpleMeterRegistry give the same figures as the Prometheus exposition. */
class GoFlowMetricsTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlow goflow = new GoFlowImpl(clock, "application");
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @AfterEach
    void close() {
        goflow.close();
        meters.close();
    }

    private static double value(Meter m) {
        if (m instanceof FunctionCounter c) {
            return c.count();
        }
        if (m instanceof TimeGauge g) {
            return g.value(TimeUnit.SECONDS);
        }
        return ((Gauge) m).value();
    }

    @Test
    void everyFigureOfTheExpositionIsAMeterWithTheSameValue() throws Exception {
        RateLimiter api = goflow.tokenBucket().name("api").rate(1).burst(5).build();
        for (int i = 0; i < 12; i++) {
            api.allow();
        }
        WorkerPool pool = goflow.workerPool().name("jobs").workers(2).build();
        for (int i = 0; i < 4; i++) {
            int n = i;
            pool.submit(ctx -> {
                if (n == 0) {
                    throw new IllegalStateException("boom");
                }
                return n;
            }).join();
        }
        Pipeline<String, String> words = goflow.pipeline("words").stage("trim", String::trim).build();
        words.execute(" a ");
        GoFlowMetrics.of(goflow.registry()).bindTo(meters);

        assertEquals(5.0, meters.get("goflow.token.bucket.allowed").tag("name", "api").functionCounter().count());
        assertEquals(7.0, meters.get("goflow.token.bucket.denied").tag("name", "api").functionCounter().count());
        assertEquals(1.0, meters.get("goflow.worker.pool.failed").tag("name", "jobs").functionCounter().count());
        assertEquals(1.0, meters.get("goflow.worker.pool.state").tags("name", "jobs", "state", "RUNNING").gauge().value());
        assertEquals(0.0, meters.get("goflow.worker.pool.state").tags("name", "jobs", "state", "TERMINATED").gauge().value());
        assertEquals(1.0, meters.get("goflow.pipeline.stage.calls").tags("name", "words", "stage", "trim")
                .functionCounter().count());

        List<Sample> samples = Samples.of(goflow.registry().snapshot());
        int compared = 0;
        for (Sample s : samples) {
            List<Tag> tags = new ArrayList<>();
            for (Map.Entry<String, String> e : s.labels().entrySet()) {
                tags.add(Tag.of(e.getKey(), e.getValue()));
            }
            Meter m = meters.find(s.metric().micrometerName()).tags(tags).meter();
            assertNotNull(m, () -> "no meter for " + s);
            assertEquals(s.doubleValue(), value(m), 1e-9, s::toString);
            compared++;
        }
        assertEquals(samples.size(), compared);
        api.allow();
        assertEquals(5.0, meters.get("goflow.token.bucket.allowed").tag("name", "api").functionCounter().count());
        assertEquals(8.0, meters.get("goflow.token.bucket.denied").tag("name", "api").functionCounter().count(),
                "a meter reads the live figure");
        pool.shutdown().join();
    }

    @Test
    void refreshBindsNewPrimitivesAndRemovesClosedOnes() {
        RateLimiter a = goflow.tokenBucket().name("a").rate(1).burst(1).build();
        GoFlowMetrics binder = GoFlowMetrics.of(goflow.registry());
        binder.bindTo(meters);
        assertNull(meters.find("goflow.token.bucket.allowed").tag("name", "b").meter());
        RateLimiter b = goflow.tokenBucket().name("b").rate(1).burst(1).build();
        binder.refresh();
        assertNotNull(meters.find("goflow.token.bucket.allowed").tag("name", "b").meter());
        a.close();
        binder.refresh();
        assertNull(meters.find("goflow.token.bucket.allowed").tag("name", "a").meter());
        b.close();
    }

    @Test
    void oneBinderPerPrimitiveTagsItsOwnerApplication() {
        RateLimiter a = goflow.tokenBucket().name("solo").rate(1).burst(3).build();
        a.allow();
        GoFlowMetrics.of(a).bindTo(meters);
        assertEquals(1.0, meters.get("goflow.token.bucket.allowed").tags("name", "solo", "owner", "application",
                "kind", "token-bucket").functionCounter().count());
        assertEquals(3.0, meters.get("goflow.token.bucket.burst").tag("name", "solo").gauge().value());
    }
}
