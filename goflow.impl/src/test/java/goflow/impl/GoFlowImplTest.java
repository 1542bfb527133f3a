package goflow.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import goflow.api.ClosedException;
import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.inspect.PrimitiveInfo;
import goflow.api.inspect.Stats;
import goflow.api.schedule.Scheduler;
import goflow.api.testing.ManualClock;
import goflow.impl.internal.PrimitiveRegistry;

class GoFlowImplTest {

    @Test
    void loadFindsTheImplementationOnTheClassPath() {
        try (GoFlow a = GoFlow.load(); GoFlow b = GoFlow.load()) {
            assertInstanceOf(GoFlowImpl.class, a);
            assertNotSame(a, b, "each load() gives an independent instance");
        }
    }

    @Test
    void registryGeneratesUniqueNamesAndRejectsDuplicates() {
        PrimitiveRegistry registry = new PrimitiveRegistry("test");
        FakePrimitive first = new FakePrimitive(registry, null);
        FakePrimitive second = new FakePrimitive(registry, null);
        assertEquals("worker-pool-1", first.name());
        assertEquals("worker-pool-2", second.name());
        FakePrimitive named = new FakePrimitive(registry, "orders");
        InvalidConfigException dup = assertThrows(InvalidConfigException.class,
                () -> new FakePrimitive(registry, "orders"));
        assertEquals("name", dup.field());
        assertEquals("worker-pool: invalid name=\"orders\" (must be unique among live primitives) - choose another"
                + " name, or close the primitive that has it first", dup.getMessage());
        named.close();
        new FakePrimitive(registry, "orders");
        assertEquals(List.of("orders", "worker-pool-1", "worker-pool-2"),
                registry.primitives().stream().map(Primitive::name).sorted().toList());
    }

    @Test
    void aBuilderUsedAgainBuildsAnotherPrimitiveButAPipelineBuilderBuildsOnce() {
        try (GoFlow goflow = new GoFlowImpl(new ManualClock(), "reuse")) {
            var unnamed = goflow.tokenBucket().rate(10).burst(5);
            var first = unnamed.build();
            var second = unnamed.build();
            assertNotSame(first, second, "each build() creates a primitive");
            assertEquals(List.of("token-bucket-1", "token-bucket-2"), List.of(first.name(), second.name()));
            assertEquals(5, second.burst(), "from the builder's settings");

            var named = goflow.tokenBucket().name("orders").rate(10);
            var orders = named.build();
            InvalidConfigException taken = assertThrows(InvalidConfigException.class, named::build);
            assertEquals("name", taken.field());
            orders.close();
            assertEquals("orders", named.build().name(), "the name is free again once its primitive is closed");

            var pipeline = goflow.pipeline("p").stage("inc", (Integer i) -> i + 1);
            pipeline.build().close();
            IllegalStateException again = assertThrows(IllegalStateException.class, pipeline::build,
                    "a pipeline builder builds one pipeline, even after it was closed");
            assertTrue(again.getMessage().contains("already built"), again.getMessage());
        }
    }

    @Test
    void invalidNamesAreRejected() {
        PrimitiveRegistry registry = new PrimitiveRegistry("test");
        for (String bad : new String[] {"", "a b", "x,y", "k=v", "a:b", "tab\t"}) {
            InvalidConfigException e = assertThrows(InvalidConfigException.class,
                    () -> registry.reserve(Primitive.Kind.PIPELINE, bad));
            assertEquals("name", e.field(), bad);
        }
        assertEquals(List.of(), registry.primitives(), "nothing reserved by a rejected name");
    }

    @Test
    void reservedButUnbuiltPrimitivesAreNotListedAndFailedBuildsFreeTheirName() {
        PrimitiveRegistry registry = new PrimitiveRegistry("test");
        PrimitiveRegistry.Entry entry = registry.reserve(Primitive.Kind.SCHEDULER, "nightly");
        assertEquals(List.of(), registry.primitives());
        assertThrows(InvalidConfigException.class, () -> registry.reserve(Primitive.Kind.SCHEDULER, "nightly"));
        entry.release();
        registry.reserve(Primitive.Kind.SCHEDULER, "nightly");
    }

    @Test
    void snapshotReportsOwnerAndStats() {
        PrimitiveRegistry registry = new PrimitiveRegistry("bundle.a");
        new FakePrimitive(registry, "p");
        List<PrimitiveInfo> rows = registry.snapshot();
        assertEquals(1, rows.size());
        assertEquals("bundle.a", rows.get(0).owner());
        assertEquals(Map.of("closes", 0), rows.get(0).stats().toMap());
        assertTrue(registry.find("p", FakePrimitive.class).isPresent());
        assertTrue(registry.find("p", AnotherType.class).isEmpty());
    }

    @Test
    void closingGoFlowClosesEverythingAndRefusesNewPrimitives() {
        GoFlowImpl goflow = new GoFlowImpl(new ManualClock(), "test");
        PrimitiveRegistry registry = goflow.registry();
        FakePrimitive a = new FakePrimitive(registry, "a");
        FakePrimitive b = new FakePrimitive(registry, "b");
        goflow.close();
        goflow.close();
        assertEquals(1, a.closes.get());
        assertEquals(1, b.closes.get());
        assertEquals(List.of(), goflow.registry().primitives());
        ClosedException e = assertThrows(ClosedException.class, () -> new FakePrimitive(registry, "c"));
        assertTrue(e.getMessage().contains("worker-pool 'c'"), e.getMessage());
    }

    @Test
    void everyBuilderIsImplementedByTheClassOfItsNameWithImpl() {
        try (GoFlowImpl goflow = new GoFlowImpl(new ManualClock(), "test")) {
            List<Object> builders = new ArrayList<>(List.of(goflow.tokenBucket(), goflow.leakyBucket(),
                    goflow.concurrencyLimiter(), goflow.keyedRateLimiter(), goflow.workerPool(), goflow.scheduler(),
                    goflow.pipeline(), goflow.pipeline().stage("a", (String s) -> s), goflow.channel(),
                    goflow.asyncWriter()));
            Scheduler scheduler = goflow.scheduler().build();
            builders.add(scheduler.task(ctx -> { }));
            builders.add(goflow.pipeline().stage("a", (String s) -> s).build().stream());
            for (Object builder : builders) {
                Class<?> api = Arrays.stream(builder.getClass().getInterfaces())
                        .filter(i -> i.getPackageName().startsWith("goflow.api."))
                        .findFirst().orElseThrow();
                assertEquals(api.getSimpleName() + "Impl", builder.getClass().getSimpleName(), api.getName());
            }
        }
    }

    interface AnotherType extends Primitive {
    }

    /** A minimal primitive following the reserve / activate / release protocol. */
    static final class FakePrimitive implements Primitive {
        final AtomicInteger closes = new AtomicInteger();
        private final PrimitiveRegistry.Entry entry;

        FakePrimitive(PrimitiveRegistry registry, String name) {
            entry = registry.reserve(Kind.WORKER_POOL, name);
            entry.activate(this);
        }

        @Override
        public String name() {
            return entry.name();
        }

        @Override
        public Kind kind() {
            return Kind.WORKER_POOL;
        }

        @Override
        public Stats stats() {
            return new Stats() {
                @Override
                public Map<String, Object> toMap() {
                    return Map.of("closes", closes.get());
                }
            };
        }

        @Override
        public void close() {
            if (closes.compareAndSet(0, 1)) {
                entry.release();
            }
        }
    }

    private record Calls(long calls) implements Stats { }

    /** A primitive built outside goflow.impl, as goflow.redis builds its limiters. */
    private static final class Outside implements Primitive {
        private final String name;
        private final AtomicInteger closes = new AtomicInteger();

        Outside(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Kind kind() {
            return Kind.TOKEN_BUCKET;
        }

        @Override
        public Stats stats() {
            return new Calls(7);
        }

        @Override
        public void close() {
            closes.incrementAndGet();
        }
    }

    @Test
    void anOutsidePrimitiveIsListedUnderItsNameUntilItsRegistrationIsClosed() {
        try (GoFlowImpl goflow = new GoFlowImpl(new ManualClock(), "goflow.redis")) {
            Outside fleet = new Outside("api-fleet");
            goflow.register(fleet).close();
            goflow.tokenBucket().name("local").rate(1).burst(1).build();
            var listing = goflow.register(fleet);
            assertEquals(List.of("api-fleet goflow.redis 7", "local goflow.redis 0"), goflow.registry().snapshot()
                    .stream().map(r -> r.name() + " " + r.owner() + " "
                            + r.stats().toMap().getOrDefault("calls", 0)).toList());
            assertEquals(fleet, goflow.registry().find("api-fleet").orElseThrow());

            InvalidConfigException dup = assertThrows(InvalidConfigException.class,
                    () -> goflow.register(new Outside("local")));
            assertEquals("name", dup.field());
            assertThrows(InvalidConfigException.class, () -> goflow.register(new Outside("a b")));
            assertEquals("primitive", assertThrows(InvalidConfigException.class, () -> goflow.register(null)).field());
            assertEquals("name", assertThrows(InvalidConfigException.class,
                    () -> goflow.register(new Outside(null))).field());

            listing.close();
            listing.close();
            assertTrue(goflow.registry().find("api-fleet").isEmpty());
            assertEquals(0, fleet.closes.get(), "removing the listing does not close the primitive");
        }
    }

    @Test
    void closingTheGoFlowClosesTheOutsidePrimitivesItLists() {
        GoFlowImpl goflow = new GoFlowImpl(new ManualClock(), "goflow.redis");
        Outside fleet = new Outside("api-fleet");
        goflow.register(fleet);
        goflow.close();
        assertEquals(1, fleet.closes.get());
        assertThrows(ClosedException.class, () -> goflow.register(new Outside("late")));
    }
}
