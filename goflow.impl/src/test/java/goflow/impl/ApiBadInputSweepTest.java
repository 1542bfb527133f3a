package goflow.impl;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;

import goflow.api.ClosedException;
import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.channel.OverflowStrategy;
import goflow.api.context.Context;
import goflow.api.pool.QueueFullPolicy;
import goflow.api.ratelimit.Rate;
import goflow.api.schedule.LeaseProvider;
import goflow.api.schedule.OverlapPolicy;
import goflow.api.schedule.Scheduler;
import goflow.api.schedule.TaskBuilder;
import goflow.api.testing.ManualClock;
import goflow.impl.testing.NoThreadLeaks;

/**
 * A table-driven sweep of the public builders' bad-input handling: every setter given null, zero,
 * negative, extreme or hostile values throws an {@link InvalidConfigException} naming the
 * component, the field, the value and the rule; a refused call changes nothing (the same setter
 * then takes a valid value, and nothing is listed in the registry or left running); and a builder
 * of a closed {@code GoFlow} creates nothing.
 */
class ApiBadInputSweepTest extends NoThreadLeaks.LeakCheckedTest {
    private static final Duration HUGE = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);
    private static final Duration NEG = Duration.ofNanos(-1);
    private static final LeaseProvider NO_LEASES = (name, ttl) -> Optional.empty();

    /** One refused call: what it is, the component and field it must name, and the value. */
    private record Bad(String label, String component, String field, Object value, Consumer<GoFlow> call) {
    }

    private static Bad bad(String label, String component, String field, Object value, Consumer<GoFlow> call) {
        return new Bad(label, component, field, value, call);
    }

    private static List<Bad> badInputs() {
        List<Bad> all = new ArrayList<>();
        // token bucket
        all.add(bad("tokenBucket rate NaN", "token-bucket", "rate", Double.NaN, g -> g.tokenBucket().rate(Double.NaN)));
        all.add(bad("tokenBucket rate -1", "token-bucket", "rate", -1.0, g -> g.tokenBucket().rate(-1)));
        all.add(bad("tokenBucket rate -inf", "token-bucket", "rate", Double.NEGATIVE_INFINITY,
                g -> g.tokenBucket().rate(Double.NEGATIVE_INFINITY)));
        all.add(bad("tokenBucket rate null", "token-bucket", "rate", null, g -> g.tokenBucket().rate((Rate) null)));
        all.add(bad("tokenBucket burst 0", "token-bucket", "burst", 0L, g -> g.tokenBucket().burst(0)));
        all.add(bad("tokenBucket burst MAX", "token-bucket", "burst", Long.MAX_VALUE,
                g -> g.tokenBucket().burst(Long.MAX_VALUE)));
        all.add(bad("tokenBucket initialTokens -1", "token-bucket", "initialTokens", -1L,
                g -> g.tokenBucket().initialTokens(-1)));
        all.add(bad("tokenBucket clock null", "token-bucket", "clock", null, g -> g.tokenBucket().clock(null)));
        all.add(bad("tokenBucket no rate", "token-bucket", "rate", null, g -> g.tokenBucket().build()));
        // leaky bucket
        all.add(bad("leakyBucket leakRate NaN", "leaky-bucket", "leakRate", Double.NaN,
                g -> g.leakyBucket().leakRate(Double.NaN)));
        all.add(bad("leakyBucket capacity -1", "leaky-bucket", "capacity", -1L, g -> g.leakyBucket().capacity(-1)));
        all.add(bad("leakyBucket capacity MIN", "leaky-bucket", "capacity", Long.MIN_VALUE,
                g -> g.leakyBucket().capacity(Long.MIN_VALUE)));
        all.add(bad("leakyBucket initialLevel -1", "leaky-bucket", "initialLevel", -1L,
                g -> g.leakyBucket().initialLevel(-1)));
        all.add(bad("leakyBucket no rate", "leaky-bucket", "leakRate", null, g -> g.leakyBucket().build()));
        // concurrency limiter
        all.add(bad("concurrencyLimiter capacity 0", "concurrency-limiter", "capacity", 0L,
                g -> g.concurrencyLimiter().capacity(0)));
        all.add(bad("concurrencyLimiter capacity MIN", "concurrency-limiter", "capacity", (long) Integer.MIN_VALUE,
                g -> g.concurrencyLimiter().capacity(Integer.MIN_VALUE)));
        all.add(bad("concurrencyLimiter initialInUse -1", "concurrency-limiter", "initialInUse", -1L,
                g -> g.concurrencyLimiter().initialInUse(-1)));
        all.add(bad("concurrencyLimiter initialInUse > capacity", "concurrency-limiter", "initialInUse", 3,
                g -> g.concurrencyLimiter().capacity(2).initialInUse(3).build()));
        all.add(bad("concurrencyLimiter no capacity", "concurrency-limiter", "capacity", null,
                g -> g.concurrencyLimiter().build()));
        // keyed rate limiter
        all.add(bad("keyedRateLimiter rate NaN", "keyed-rate-limiter", "rate", Double.NaN,
                g -> g.keyedRateLimiter().rate(Double.NaN)));
        all.add(bad("keyedRateLimiter burst 0", "keyed-rate-limiter", "burst", 0L, g -> g.keyedRateLimiter().burst(0)));
        all.add(bad("keyedRateLimiter maxKeys 0", "keyed-rate-limiter", "maxKeys", 0L,
                g -> g.keyedRateLimiter().maxKeys(0)));
        all.add(bad("keyedRateLimiter maxKeys -1", "keyed-rate-limiter", "maxKeys", -1L,
                g -> g.keyedRateLimiter().maxKeys(-1)));
        all.add(bad("keyedRateLimiter idleTimeout 0", "keyed-rate-limiter", "idleTimeout", Duration.ZERO,
                g -> g.keyedRateLimiter().idleTimeout(Duration.ZERO)));
        all.add(bad("keyedRateLimiter idleTimeout -1ns", "keyed-rate-limiter", "idleTimeout", NEG,
                g -> g.keyedRateLimiter().idleTimeout(NEG)));
        all.add(bad("keyedRateLimiter idleTimeout null", "keyed-rate-limiter", "idleTimeout", null,
                g -> g.keyedRateLimiter().idleTimeout(null)));
        all.add(bad("keyedRateLimiter no rate", "keyed-rate-limiter", "rate", null, g -> g.keyedRateLimiter().build()));
        // worker pool
        all.add(bad("workerPool workers 0", "worker-pool", "workers", 0L, g -> g.workerPool().workers(0)));
        all.add(bad("workerPool workers -1", "worker-pool", "workers", -1L, g -> g.workerPool().workers(-1)));
        all.add(bad("workerPool maxWorkers 0", "worker-pool", "maxWorkers", 0L, g -> g.workerPool().maxWorkers(0)));
        all.add(bad("workerPool workers > maxWorkers", "worker-pool", "workers", 3,
                g -> g.workerPool().workers(3).maxWorkers(2).build()));
        all.add(bad("workerPool workers MAX", "worker-pool", "workers", Integer.MAX_VALUE,
                g -> g.workerPool().workers(Integer.MAX_VALUE).build()));
        all.add(bad("workerPool queueCapacity -1", "worker-pool", "queueCapacity", -1L,
                g -> g.workerPool().queueCapacity(-1)));
        all.add(bad("workerPool taskTimeout -1ns", "worker-pool", "taskTimeout", NEG,
                g -> g.workerPool().taskTimeout(NEG)));
        all.add(bad("workerPool taskTimeout null", "worker-pool", "taskTimeout", null,
                g -> g.workerPool().taskTimeout(null)));
        all.add(bad("workerPool onQueueFull null", "worker-pool", "onQueueFull", null,
                g -> g.workerPool().onQueueFull(null)));
        all.add(bad("workerPool threadFactory null", "worker-pool", "threadFactory", null,
                g -> g.workerPool().threadFactory(null)));
        all.add(bad("workerPool resultListener null", "worker-pool", "resultListener", null,
                g -> g.workerPool().resultListener(null)));
        all.add(bad("workerPool virtual and factory", "worker-pool", "virtualThreads", true,
                g -> g.workerPool().virtualThreads(true).threadFactory(Thread::new).build()));
        // scheduler
        all.add(bad("scheduler workers 0", "scheduler", "workers", 0L, g -> g.scheduler().workers(0)));
        all.add(bad("scheduler workers MAX", "scheduler", "workers", Integer.MAX_VALUE,
                g -> g.scheduler().workers(Integer.MAX_VALUE)));
        all.add(bad("scheduler pool null", "scheduler", "pool", null, g -> g.scheduler().pool(null)));
        all.add(bad("scheduler executor null", "scheduler", "executor", null, g -> g.scheduler().executor(null)));
        all.add(bad("scheduler zone null", "scheduler", "zone", null, g -> g.scheduler().zone(null)));
        all.add(bad("scheduler overlap null", "scheduler", "overlap", null, g -> g.scheduler().overlap(null)));
        all.add(bad("scheduler stopTimeout -1ns", "scheduler", "stopTimeout", NEG, g -> g.scheduler().stopTimeout(NEG)));
        all.add(bad("scheduler maxTasks 0", "scheduler", "maxTasks", 0L, g -> g.scheduler().maxTasks(0)));
        all.add(bad("scheduler leases null", "scheduler", "leases", null,
                g -> g.scheduler().oncePerCluster(null, Duration.ofSeconds(10))));
        all.add(bad("scheduler leaseTtl null", "scheduler", "leaseTtl", null,
                g -> g.scheduler().oncePerCluster(NO_LEASES, null)));
        all.add(bad("scheduler leaseTtl 1ns", "scheduler", "leaseTtl", Duration.ofNanos(1),
                g -> g.scheduler().oncePerCluster(NO_LEASES, Duration.ofNanos(1))));
        // channel
        all.add(bad("channel capacity 0", "channel", "capacity", 0L, g -> g.channel().capacity(0)));
        all.add(bad("channel capacity MIN", "channel", "capacity", (long) Integer.MIN_VALUE,
                g -> g.channel().capacity(Integer.MIN_VALUE)));
        all.add(bad("channel strategy null", "channel", "strategy", null, g -> g.channel().strategy(null)));
        all.add(bad("channel onDrop null", "channel", "onDrop", null, g -> g.channel().onDrop(null)));
        // async writer
        all.add(bad("asyncWriter no output", "async-writer", "output", null, g -> g.asyncWriter().build()));
        all.add(bad("asyncWriter output null", "async-writer", "output", null,
                g -> g.asyncWriter().output((java.io.OutputStream) null)));
        all.add(bad("asyncWriter capacity 0", "async-writer", "capacity", 0L, g -> g.asyncWriter().capacity(0)));
        all.add(bad("asyncWriter capacity MAX", "async-writer", "capacity", Integer.MAX_VALUE,
                g -> g.asyncWriter().capacity(Integer.MAX_VALUE)));
        all.add(bad("asyncWriter flushThreshold 0", "async-writer", "flushThreshold", 0L,
                g -> g.asyncWriter().flushThreshold(0)));
        all.add(bad("asyncWriter flushThreshold > capacity", "async-writer", "flushThreshold", 11,
                g -> g.asyncWriter().output(new ByteArrayOutputStream()).capacity(10).flushThreshold(11).build()));
        all.add(bad("asyncWriter flushInterval -1ns", "async-writer", "flushInterval", NEG,
                g -> g.asyncWriter().flushInterval(NEG)));
        all.add(bad("asyncWriter flushInterval huge", "async-writer", "flushInterval", HUGE,
                g -> g.asyncWriter().flushInterval(HUGE)));
        all.add(bad("asyncWriter maxRetries -1", "async-writer", "maxRetries", -1L, g -> g.asyncWriter().maxRetries(-1)));
        all.add(bad("asyncWriter retryDelay huge", "async-writer", "retryDelay", HUGE,
                g -> g.asyncWriter().retryDelay(HUGE)));
        all.add(bad("asyncWriter charset null", "async-writer", "charset", null, g -> g.asyncWriter().charset(null)));
        all.add(bad("asyncWriter onError null", "async-writer", "onError", null, g -> g.asyncWriter().onError(null)));
        // pipeline
        all.add(bad("pipeline name null", "pipeline", "name", null, g -> g.pipeline(null)));
        all.add(bad("pipeline name empty", "pipeline", "name", "", g -> g.pipeline("")));
        all.add(bad("pipeline timeout 0", "pipeline", "timeout", Duration.ZERO, g -> g.pipeline().timeout(Duration.ZERO)));
        all.add(bad("pipeline timeout null", "pipeline", "timeout", null, g -> g.pipeline().timeout(null)));
        all.add(bad("pipeline executor null", "pipeline", "executor", null, g -> g.pipeline().executor(null)));
        all.add(bad("pipeline listener null", "pipeline", "listener", null, g -> g.pipeline().listener(null)));
        all.add(bad("pipeline stage name with space", "pipeline", "name", "a b",
                g -> g.pipeline().stage("a b", (String s) -> s)));
        all.add(bad("pipeline first stage name null", "pipeline", "name", null,
                g -> g.pipeline().stage(null, (String s) -> s)));
        all.add(bad("pipeline later stage name null", "pipeline", "name", null,
                g -> g.pipeline().stage("a", (String s) -> s).stage(null, s -> s)));
        all.add(bad("pipeline first stageWithContext name null", "pipeline", "name", null,
                g -> g.pipeline().stageWithContext(null, (Context ctx, String s) -> s)));
        all.add(bad("pipeline later stageWithContext name null", "pipeline", "name", null,
                g -> g.pipeline().stage("a", (String s) -> s).stageWithContext(null, (ctx, s) -> s)));
        all.add(bad("pipeline duplicate stage", "pipeline", "stage", "a",
                g -> g.pipeline().stage("a", (String s) -> s).stage("a", s -> s)));
        // names, for every builder
        for (NameSetter n : nameSetters()) {
            for (String name : new String[] {null, "", "x".repeat(129), "a b", "a\tb", "a\nb", "a,b", "a=b", "a:b",
                    "a\"b", "a*b", "a?b", "a\u0000b", "a\u001b[31mb"}) {
                all.add(bad(n.label + " name " + show(name), n.component, "name", name, g -> n.set.apply(g).accept(name)));
            }
        }
        return all;
    }

    /** A builder's name setter: makes a builder on the GoFlow, returns the setter to call. */
    private record NameSetter(String label, String component, Function<GoFlow, Consumer<String>> set) {
    }

    private static List<NameSetter> nameSetters() {
        return List.of(
                new NameSetter("tokenBucket", "token-bucket", g -> n -> g.tokenBucket().name(n)),
                new NameSetter("leakyBucket", "leaky-bucket", g -> n -> g.leakyBucket().name(n)),
                new NameSetter("concurrencyLimiter", "concurrency-limiter", g -> n -> g.concurrencyLimiter().name(n)),
                new NameSetter("adaptiveLimiter", "adaptive-limiter", g -> n -> g.adaptiveLimiter().name(n)),
                new NameSetter("keyedRateLimiter", "keyed-rate-limiter", g -> n -> g.keyedRateLimiter().name(n)),
                new NameSetter("workerPool", "worker-pool", g -> n -> g.workerPool().name(n)),
                new NameSetter("scheduler", "scheduler", g -> n -> g.scheduler().name(n)),
                new NameSetter("channel", "channel", g -> n -> g.channel().name(n)),
                new NameSetter("asyncWriter", "async-writer", g -> n -> g.asyncWriter().name(n)),
                new NameSetter("pipeline", "pipeline", g -> g::pipeline));
    }

    private static String show(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        s.chars().limit(12).forEach(c -> sb.append(c < 0x20 || c > 0x7e ? String.format("\\u%04X", c) : (char) c));
        return sb.append(s.length() > 12 ? "...\"" : "\"").toString();
    }

    @TestFactory
    Stream<DynamicTest> badInputIsRefusedNamingComponentFieldValueAndRule() {
        return badInputs().stream().map(b -> DynamicTest.dynamicTest(b.label, () -> {
            try (GoFlow goflow = new GoFlowImpl(new ManualClock(), "sweep")) {
                InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> b.call.accept(goflow),
                        b.label);
                assertTrue(e.component().startsWith(b.component), b.label + ": component of " + e.getMessage());
                assertEquals(b.field, e.field(), b.label + ": field of " + e.getMessage());
                assertEquals(b.value, e.value(), b.label + ": value of " + e.getMessage());
                assertFalse(e.rule().isBlank(), b.label + ": rule of " + e.getMessage());
                assertTrue(e.getMessage().contains("invalid " + b.field + "="), e.getMessage());
                assertTrue(goflow.registry().primitives().isEmpty(), b.label + ": a refused build listed "
                        + goflow.registry().primitives());
            }
        }));
    }

    /**
     * Names are shown in shell tables, JMX object names, service properties and metric labels
     * (UTF-8): a name with invisible or unencodable characters would look like another name, or
     * become one once encoded.
     */
    @TestFactory
    Stream<DynamicTest> everyBuilderRefusesNamesWithUnicodeSpacesInvisibleCharactersOrBrokenSurrogates() {
        String[] hostile = {
            "a\u00A0b", // no-break space
            "a\u2007b", // figure space
            "a\u202Fb", // narrow no-break space
            "a\u200Bb", // zero-width space
            "a\u200Db", // zero-width joiner
            "a\u202Eb", // right-to-left override
            "\uFEFFab", // byte-order mark
            "a\u00ADb", // soft hyphen
            "a\uD800b", // unpaired high surrogate
            "a\uDC00b", // unpaired low surrogate
            "ab\uD83D", // high surrogate at the end
            "a\uDE00\uD83Db", // a pair the wrong way round
        };
        List<DynamicTest> tests = new ArrayList<>();
        for (NameSetter n : nameSetters()) {
            for (String name : hostile) {
                tests.add(DynamicTest.dynamicTest(n.label + " " + show(name), () -> {
                    try (GoFlow goflow = new GoFlowImpl(new ManualClock(), "sweep")) {
                        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                                () -> n.set.apply(goflow).accept(name));
                        assertEquals("name", e.field());
                        assertEquals(name, e.value());
                    }
                }));
            }
        }
        tests.add(DynamicTest.dynamicTest("register() refuses such a name too", () -> {
            try (GoFlow goflow = new GoFlowImpl(new ManualClock(), "sweep")) {
                for (String name : hostile) {
                    InvalidConfigException e = assertThrows(InvalidConfigException.class,
                            () -> goflow.register(new Named(name)), show(name));
                    assertEquals("name", e.field());
                }
                assertTrue(goflow.registry().primitives().isEmpty());
            }
        }));
        tests.add(DynamicTest.dynamicTest("names with letters of any script and emoji stay valid", () -> {
            try (GoFlow goflow = new GoFlowImpl(new ManualClock(), "sweep")) {
                for (String name : new String[] {"é".repeat(128), "注文-キュー", "a\uD83D\uDE00b", "x-1_y.z",
                        "a\\b", "a'b", "a/b"}) {
                    assertDoesNotThrow(() -> goflow.channel().name(name).build(), show(name));
                }
            }
        }));
        return tests.stream();
    }

    /**
     * The message shows a refused value so that it can be read: a control character, an invisible
     * formatting character or an unpaired surrogate in it is written as a Java escape, so the
     * message stays one line (it is logged and printed by the shell) and a terminal escape in a
     * name does not reach the terminal; {@link InvalidConfigException#value()} keeps the value.
     */
    @TestFactory
    Stream<DynamicTest> theMessageShowsInvisibleCharactersOfTheRefusedValueEscaped() {
        String[][] cases = {
            {"tab\t", "\"tab\\t\""},
            {"a\nFAKE: line", "\"a\\nFAKE:"},
            {"a\r\nb", "\"a\\r\\nb\""},
            {"x\u001b[2J\u001b[31mred", "\"x\\u001b[2J\\u001b[31mred\""},
            {"a\u0085b", "\"a\\u0085b\""},
            {"a\u2028b", "\"a\\u2028b\""},
            {"a\u200Bb", "\"a\\u200bb\""},
            {"a\uD800b", "\"a\\ud800b\""},
            {"a\u0000b", "\"a\\u0000b\""},
        };
        return Stream.of(cases).map(c -> DynamicTest.dynamicTest(show(c[0]), () -> {
            try (GoFlow goflow = new GoFlowImpl(new ManualClock(), "sweep")) {
                InvalidConfigException e = assertThrows(InvalidConfigException.class, () -> goflow.channel().name(c[0]));
                assertEquals(c[0], e.value(), "value() is the value as given");
                assertTrue(e.getMessage().contains("invalid name=" + c[1]), e.getMessage());
                assertTrue(e.getMessage().chars().noneMatch(ch -> Character.isISOControl(ch)
                        || Character.getType(ch) == Character.FORMAT || Character.isSurrogate((char) ch)
                        || ch == '\u2028' || ch == '\u2029'), e.getMessage());
            }
        }));
    }

    /** A primitive built outside, for {@link GoFlow#register}. */
    private record Named(String name) implements Primitive {
        @Override
        public Kind kind() {
            return Kind.CHANNEL;
        }

        @Override
        public goflow.api.inspect.Stats stats() {
            return new goflow.api.inspect.Stats() { };
        }

        @Override
        public void close() {
        }
    }

    /**
     * A refused setter changes nothing: the same setter then takes a valid value (it was not
     * "already set"), and the builder builds what the valid value says.
     */
    private record Retry(String label, Function<GoFlow, Executable> refusedThenValid) {
    }

    private static List<Retry> retries() {
        return List.of(
                new Retry("tokenBucket burst", g -> () -> {
                    var b = g.tokenBucket().rate(1);
                    assertThrows(InvalidConfigException.class, () -> b.burst(0));
                    assertEquals(5, b.burst(5).build().burst());
                }),
                new Retry("tokenBucket rate", g -> () -> {
                    var b = g.tokenBucket();
                    assertThrows(InvalidConfigException.class, () -> b.rate(Double.NaN));
                    assertEquals(3.0, b.rate(3).build().rate().eventsPerSecond());
                }),
                new Retry("leakyBucket capacity", g -> () -> {
                    var b = g.leakyBucket().leakRate(1);
                    assertThrows(InvalidConfigException.class, () -> b.capacity(-1));
                    assertEquals(4, b.capacity(4).build().burst());
                }),
                new Retry("concurrencyLimiter capacity", g -> () -> {
                    var b = g.concurrencyLimiter();
                    assertThrows(InvalidConfigException.class, () -> b.capacity(0));
                    assertEquals(2, b.capacity(2).build().capacity());
                }),
                new Retry("keyedRateLimiter idleTimeout", g -> () -> {
                    var b = g.keyedRateLimiter().rate(1);
                    assertThrows(InvalidConfigException.class, () -> b.idleTimeout(NEG));
                    assertEquals(Duration.ofSeconds(5), b.idleTimeout(Duration.ofSeconds(5)).build().stats().idleTimeout());
                }),
                new Retry("workerPool workers", g -> () -> {
                    var b = g.workerPool();
                    assertThrows(InvalidConfigException.class, () -> b.workers(0));
                    var pool = b.workers(1).onQueueFull(QueueFullPolicy.REJECT).build();
                    assertEquals(1, pool.stats().workers());
                }),
                new Retry("channel capacity", g -> () -> {
                    var b = g.<String>channel();
                    assertThrows(InvalidConfigException.class, () -> b.capacity(0));
                    assertEquals(7, b.capacity(7).strategy(OverflowStrategy.ERROR).build().capacity());
                }),
                new Retry("asyncWriter charset", g -> () -> {
                    var b = g.asyncWriter().output(new ByteArrayOutputStream());
                    assertThrows(InvalidConfigException.class, () -> b.charset(java.nio.charset.StandardCharsets.UTF_16));
                    assertNotNull(b.charset(java.nio.charset.StandardCharsets.UTF_16BE).build());
                }),
                new Retry("adaptive limiter window with 0 samples", g -> () -> {
                    var b = g.adaptiveLimiter();
                    assertThrows(InvalidConfigException.class, () -> b.window(Duration.ofSeconds(1), 0));
                    assertNotNull(b.window(Duration.ofSeconds(1), 5).build());
                }),
                new Retry("scheduler workers", g -> () -> {
                    var b = g.scheduler();
                    assertThrows(InvalidConfigException.class, () -> b.workers(0));
                    assertNotNull(b.workers(1).overlap(OverlapPolicy.ALLOW).build());
                }),
                new Retry("scheduler oncePerCluster with a too short ttl", g -> () -> {
                    var b = g.scheduler();
                    assertThrows(InvalidConfigException.class, () -> b.oncePerCluster(NO_LEASES, Duration.ofNanos(1)));
                    Scheduler s = b.oncePerCluster(NO_LEASES, Duration.ofSeconds(10)).build();
                    assertTrue(s.once(Duration.ofHours(1), ctx -> { }).toString().contains("once per cluster"));
                }),
                new Retry("scheduler oncePerCluster without a ttl, then none at all", g -> () -> {
                    var b = g.scheduler();
                    assertThrows(InvalidConfigException.class, () -> b.oncePerCluster(NO_LEASES, null));
                    Scheduler s = b.build();
                    assertFalse(s.once(Duration.ofHours(1), ctx -> { }).toString().contains("once per cluster"),
                            "the refused oncePerCluster left the scheduler's tasks running once per cluster");
                }),
                new Retry("task oncePerCluster with a too short ttl", g -> () -> {
                    Scheduler s = g.scheduler().build();
                    TaskBuilder t = s.task(ctx -> { });
                    assertThrows(InvalidConfigException.class, () -> t.oncePerCluster(NO_LEASES, Duration.ofMillis(9)));
                    assertTrue(t.oncePerCluster(NO_LEASES, Duration.ofSeconds(10)).once(Duration.ofHours(1)).toString()
                            .contains("once per cluster"));
                }),
                new Retry("task oncePerCluster without a ttl, then none at all", g -> () -> {
                    Scheduler s = g.scheduler().build();
                    TaskBuilder t = s.task(ctx -> { });
                    assertThrows(InvalidConfigException.class, () -> t.oncePerCluster(NO_LEASES, null));
                    assertFalse(t.once(Duration.ofHours(1)).toString().contains("once per cluster"),
                            "the refused oncePerCluster left the task running once per cluster");
                }),
                new Retry("pipeline stage", g -> () -> {
                    var b = g.pipeline().stage("a", (String s) -> s);
                    assertThrows(InvalidConfigException.class, () -> b.stage("a", s -> s));
                    assertEquals(List.of("a", "b"), b.stage("b", s -> s).build().stageNames());
                }));
    }

    @TestFactory
    Stream<DynamicTest> aRefusedSetterLeavesTheBuilderAsItWas() {
        return retries().stream().map(r -> DynamicTest.dynamicTest(r.label, () -> {
            try (GoFlow goflow = new GoFlowImpl(new ManualClock(), "sweep")) {
                r.refusedThenValid.apply(goflow).execute();
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> aClosedGoFlowBuildsNothing() {
        List<Function<GoFlow, Object>> builds = List.of(
                g -> g.tokenBucket().rate(1).build(),
                g -> g.leakyBucket().leakRate(1).build(),
                g -> g.concurrencyLimiter().capacity(1).build(),
                g -> g.adaptiveLimiter().build(),
                g -> g.keyedRateLimiter().rate(1).build(),
                g -> g.workerPool().workers(2).build(),
                g -> g.scheduler().build(),
                g -> g.channel().build(),
                g -> g.asyncWriter().output(new ByteArrayOutputStream()).build(),
                g -> g.pipeline("p").stage("a", (String s) -> s).build());
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < builds.size(); i++) {
            Function<GoFlow, Object> build = builds.get(i);
            tests.add(DynamicTest.dynamicTest("build " + i + " after close", () -> {
                GoFlow goflow = new GoFlowImpl(new ManualClock(), "sweep");
                goflow.close();
                assertThrows(ClosedException.class, () -> build.apply(goflow));
                assertTrue(goflow.registry().primitives().isEmpty());
            }));
        }
        return tests.stream();
    }
}
