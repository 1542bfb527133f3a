package goflow.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.LeakyBucket;
import goflow.api.ratelimit.RateLimiter;

class ControlCommandsTest {
    private final GoFlow goflow = GoFlow.load();
    private final ControlCommands commands = new ControlCommands(goflow.registry());

    @AfterEach
    void close() {
        goflow.close();
    }

    @Test
    void rateAndBurstChangeATokenBucketLive() {
        RateLimiter api = goflow.tokenBucket().name("api").rate(100).burst(200).build();
        assertEquals(""
                + "name  kind          field  before  after\n"
                + "api   token-bucket  rate      100     50\n", commands.rate("api", 50));
        assertEquals(50.0, api.rate().eventsPerSecond());
        assertEquals(""
                + "name  kind          field  before  after\n"
                + "api   token-bucket  burst     200     10\n", commands.burst("api", 10));
        assertEquals(10, api.burst());
        InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> commands.burst("api", 0));
        assertTrue(e.getMessage().contains("burst"), e.getMessage());
        assertEquals(10, api.burst(), "a rejected change changes nothing");
    }

    @Test
    void capacityOfConcurrencyLimiterAndLeakyBucket() {
        ConcurrencyLimiter db = goflow.concurrencyLimiter().name("db").capacity(8).build();
        LeakyBucket writes = goflow.leakyBucket().name("writes").leakRate(5).capacity(10).build();
        goflow.tokenBucket().name("tb").rate(1).burst(1).build();
        commands.capacity("db", 3);
        assertEquals(3, db.capacity());
        commands.capacity("writes", 4);
        assertEquals(4, writes.capacity());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> commands.capacity("tb", 3));
        assertEquals("token-bucket 'tb' has no capacity: use goflow:burst for a token bucket", e.getMessage());
    }

    @Test
    void resizeAPoolLive() {
        WorkerPool pool = goflow.workerPool().name("work").workers(2).build();
        assertEquals(""
                + "name  kind         field    before  after\n"
                + "work  worker-pool  workers       2      4\n", commands.resize("work", 4));
        assertEquals(4, pool.workers());
        assertTrue(new GoFlowCommands(goflow.registry(), p -> java.util.List.of(), goflow.streamSources()).pools().contains("work"));
    }

    @Test
    void unknownNamesAndWrongKindsAreNamed() {
        goflow.concurrencyLimiter().name("db").capacity(8).build();
        assertEquals("no rate limiter named 'nope'",
                assertThrows(IllegalArgumentException.class, () -> commands.rate("nope", 1)).getMessage());
        assertEquals("no rate limiter named 'db'",
                assertThrows(IllegalArgumentException.class, () -> commands.burst("db", 1)).getMessage());
        assertEquals("no worker pool named 'db'",
                assertThrows(IllegalArgumentException.class, () -> commands.resize("db", 1)).getMessage());
    }
}
