package goflow.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

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

    private static InvalidConfigException refused(Executable change) {
        return assertThrows(InvalidConfigException.class, change);
    }

    @Test
    void rateAndBurstChangeATokenBucketLive() {
        RateLimiter api = goflow.tokenBucket().name("api").rate(100).burst(200).build();
        assertEquals(""
                + "name  kind          field  before  after\n"
                + "api   token-bucket  rate      100     50\n", commands.rate("api", "50"));
        assertEquals(50.0, api.rate().eventsPerSecond());
        assertEquals(""
                + "name  kind          field  before  after\n"
                + "api   token-bucket  burst     200     10\n", commands.burst("api", "10"));
        assertEquals(10, api.burst());
        InvalidConfigException e = refused(() -> commands.burst("api", "0"));
        assertTrue(e.getMessage().contains("burst"), e.getMessage());
        assertEquals(10, api.burst(), "a rejected change changes nothing");
        commands.rate("api", "0.5");
        assertEquals(0.5, api.rate().eventsPerSecond());
        commands.rate("api", "2e3");
        assertEquals(2000.0, api.rate().eventsPerSecond());
        commands.rate("api", "Infinity");
        assertEquals(Double.POSITIVE_INFINITY, api.rate().eventsPerSecond());
        commands.rate("api", "0");
        assertEquals(0.0, api.rate().eventsPerSecond());
    }

    /**
     * One event per ten minutes is a rate of 0.0017 per second: the change shows it, not "0.00",
     * which reads as 0, the rate that stops admitting.
     */
    @Test
    void aSmallRateIsShownAsItIsNotAsZero() {
        RateLimiter api = goflow.tokenBucket().name("api").rate(100).burst(200).build();
        assertEquals(""
                + "name  kind          field  before   after\n"
                + "api   token-bucket  rate      100  0.0017\n", commands.rate("api", String.valueOf(1.0 / 600)));
        assertEquals(1.0 / 600, api.rate().eventsPerSecond());
        assertTrue(commands.rate("api", "1e-300").endsWith("  1E-300\n"), commands.rate("api", "1e-300"));
        assertEquals("0.33", Table.format(1.0 / 3), "two decimals as before where they show the value");
        assertEquals("-0.0017", Table.format(-1.0 / 600));
    }

    @Test
    void capacityOfConcurrencyLimiterAndLeakyBucket() {
        ConcurrencyLimiter db = goflow.concurrencyLimiter().name("db").capacity(8).build();
        LeakyBucket writes = goflow.leakyBucket().name("writes").leakRate(5).capacity(10).build();
        goflow.tokenBucket().name("tb").rate(1).burst(1).build();
        commands.capacity("db", "3");
        assertEquals(3, db.capacity());
        commands.capacity("writes", "4");
        assertEquals(4, writes.capacity());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> commands.capacity("tb", "3"));
        assertEquals("token-bucket 'tb' has no capacity: use goflow:burst for a token bucket", e.getMessage());
    }

    /** goflow:capacity demo-db 3000000000 used to clamp silently to 2147483647. */
    @Test
    void aCapacityBeyondWhatTheLimiterHoldsIsRefusedNotClamped() {
        ConcurrencyLimiter db = goflow.concurrencyLimiter().name("db").capacity(8).build();
        LeakyBucket writes = goflow.leakyBucket().name("writes").leakRate(5).capacity(10).build();
        InvalidConfigException e = refused(() -> commands.capacity("db", "3000000000"));
        assertEquals("goflow:capacity: invalid capacity=3000000000 (must be a whole number from 1 to 2147483647)"
                + " - a concurrency limiter's capacity is an int: the most permits in use at once", e.getMessage());
        assertEquals("goflow:capacity", e.component());
        assertEquals("capacity", e.field());
        assertEquals(8, db.capacity(), "nothing changed");
        refused(() -> commands.capacity("db", "2147483648"));
        commands.capacity("db", "2147483647");
        assertEquals(Integer.MAX_VALUE, db.capacity(), "the largest int is allowed");

        e = refused(() -> commands.capacity("writes", "99999999999999999999"));
        assertEquals("goflow:capacity: invalid capacity=99999999999999999999 (must be a whole number from 1 to"
                + " 4503599627370496) - a leaky bucket's capacity is the most requests it holds", e.getMessage());
        refused(() -> commands.capacity("writes", "4503599627370497"));
        refused(() -> commands.capacity("writes", "ten"));
        assertEquals(10, writes.capacity(), "nothing changed");
    }

    @Test
    void burstAndWorkersBeyondTheirTypesAreRefused() {
        RateLimiter api = goflow.tokenBucket().name("api").rate(100).burst(200).build();
        WorkerPool pool = goflow.workerPool().name("work").workers(2).build();
        InvalidConfigException e = refused(() -> commands.burst("api", "99999999999999999999"));
        assertEquals("goflow:burst: invalid burst=99999999999999999999 (must be a whole number from 1 to"
                + " 4503599627370496) - the most tokens the limiter admits at once", e.getMessage());
        refused(() -> commands.burst("api", "4503599627370497"));
        refused(() -> commands.burst("api", "-9223372036854775809"));
        refused(() -> commands.burst("api", "1.5"));
        assertEquals(200, api.burst());

        e = refused(() -> commands.resize("work", "3000000000"));
        assertEquals("goflow:resize: invalid workers=3000000000 (must be a whole number from 1 to 2147483647)"
                + " - the number of threads running tasks", e.getMessage());
        e = refused(() -> commands.resize("work", "four"));
        assertEquals("goflow:resize: invalid workers=\"four\" (must be a whole number from 1 to 2147483647)"
                + " - the number of threads running tasks", e.getMessage());
        refused(() -> commands.resize("work", "0"));
        assertEquals(2, pool.workers());
    }

    /** 1e400 would become Infinity (admit everything) and 1e-400 would become 0 (admit nothing). */
    @Test
    void aRateThatADoubleWouldTurnIntoInfinityOrZeroIsRefused() {
        RateLimiter api = goflow.tokenBucket().name("api").rate(100).burst(200).build();
        InvalidConfigException e = refused(() -> commands.rate("api", "1e400"));
        assertEquals("goflow:rate: invalid eventsPerSecond=1e400 (must be a number of events per second from 0 to "
                + Double.MAX_VALUE + ", or Infinity (a larger number would silently become Infinity))"
                + " - events per second; 0 stops admitting, Infinity admits all", e.getMessage());
        e = refused(() -> commands.rate("api", "1e-400"));
        assertTrue(e.getMessage().startsWith("goflow:rate: invalid eventsPerSecond=1e-400 (must be 0 or at least "),
                e.getMessage());
        e = refused(() -> commands.rate("api", "fast"));
        assertTrue(e.getMessage().startsWith("goflow:rate: invalid eventsPerSecond=\"fast\" (must be a number"),
                e.getMessage());
        e = refused(() -> commands.rate("api", "-1"));
        assertTrue(e.getMessage().contains("must not be negative"), "the limiter's own rule: " + e.getMessage());
        e = refused(() -> commands.rate("api", "NaN"));
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
        assertEquals(100.0, api.rate().eventsPerSecond(), "nothing changed");
    }

    /**
     * The JDK's number parsers read any script's digits: "٤" (Arabic-Indic four) or "４" (fullwidth)
     * resized a pool to 4, and "１e2" set a rate of 100, from text a terminal shows as something else.
     */
    @Test
    void digitsOtherThanAsciiAreRefused() {
        RateLimiter api = goflow.tokenBucket().name("api").rate(100).burst(200).build();
        WorkerPool pool = goflow.workerPool().name("work").workers(2).build();
        InvalidConfigException e = refused(() -> commands.resize("work", "\u0664"));
        assertEquals("goflow:resize: invalid workers=\"\u0664\" (must be a whole number from 1 to 2147483647)"
                + " - the number of threads running tasks", e.getMessage());
        refused(() -> commands.resize("work", "\uFF14"));
        refused(() -> commands.burst("api", "1\u0660"));
        e = refused(() -> commands.rate("api", "\uFF11e2"));
        assertTrue(e.getMessage().startsWith("goflow:rate: invalid eventsPerSecond=\"\uFF11e2\" (must be a number"),
                e.getMessage());
        refused(() -> commands.rate("api", "1e99999999999"));
        assertEquals(2, pool.workers());
        assertEquals(200, api.burst());
        assertEquals(100.0, api.rate().eventsPerSecond());
        // ASCII forms still accepted: a sign, a fraction without leading digits, an exponent
        commands.resize("work", "+3");
        assertEquals(3, pool.workers());
        commands.rate("api", ".5e+2");
        assertEquals(50.0, api.rate().eventsPerSecond());
    }

    @Test
    void resizeAPoolLive() {
        WorkerPool pool = goflow.workerPool().name("work").workers(2).build();
        assertEquals(""
                + "name  kind         field    before  after\n"
                + "work  worker-pool  workers       2      4\n", commands.resize("work", "4"));
        assertEquals(4, pool.workers());
        assertTrue(new GoFlowCommands(goflow.registry(), p -> java.util.List.of(), goflow.streamSources()).pools().contains("work"));
    }

    @Test
    void unknownNamesAndWrongKindsAreNamedWithTheNamesThatExist() {
        goflow.concurrencyLimiter().name("db").capacity(8).build();
        goflow.tokenBucket().name("api").rate(1).burst(1).build();
        goflow.leakyBucket().name("writes").leakRate(1).capacity(1).build();
        assertEquals("no rate limiter named 'nope'; known: api, writes",
                assertThrows(IllegalArgumentException.class, () -> commands.rate("nope", "1")).getMessage());
        assertEquals("no rate limiter named 'db' (it is a concurrency-limiter); known: api, writes",
                assertThrows(IllegalArgumentException.class, () -> commands.burst("db", "1")).getMessage());
        assertEquals("no worker pool named 'db' (it is a concurrency-limiter); known: none",
                assertThrows(IllegalArgumentException.class, () -> commands.resize("db", "1")).getMessage());
        assertEquals("no limiter named 'nope'; known: db, writes",
                assertThrows(IllegalArgumentException.class, () -> commands.capacity("nope", "1")).getMessage());
        goflow.adaptiveLimiter().name("adaptive").build();
        assertEquals("no worker pool named 'adaptive' (it is an adaptive-limiter); known: none",
                assertThrows(IllegalArgumentException.class, () -> commands.resize("adaptive", "1")).getMessage());
    }

    /** goflow:capacity on a pool used to say "use goflow:burst for a token bucket", which fails for a pool too. */
    @Test
    void capacityOfAPrimitiveThatIsNoLimiterNamesTheLimitersThatHaveOne() {
        goflow.concurrencyLimiter().name("db").capacity(8).build();
        goflow.leakyBucket().name("writes").leakRate(1).capacity(1).build();
        goflow.workerPool().name("work").workers(2).build();
        goflow.adaptiveLimiter().name("adaptive").build();
        assertEquals("no limiter named 'work' (it is a worker-pool); known: db, writes",
                assertThrows(IllegalArgumentException.class, () -> commands.capacity("work", "1")).getMessage());
        assertEquals("adaptive-limiter 'adaptive' has no capacity: its limit adapts by itself (goflow:limiters"
                + " adaptive shows how)",
                assertThrows(IllegalArgumentException.class, () -> commands.capacity("adaptive", "1")).getMessage());
    }
}
