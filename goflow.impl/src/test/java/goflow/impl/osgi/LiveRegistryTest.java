package goflow.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.Primitive;
import goflow.api.Registration;
import goflow.api.inspect.PrimitiveInfo;
import goflow.impl.GoFlowImpl;
import goflow.impl.internal.PrimitiveRegistry;
import goflow.impl.jmx.FakePrimitive;

class LiveRegistryTest {

    @Test
    void aggregatesEveryMemberWithItsOwner() {
        LiveRegistry live = new LiveRegistry();
        GoFlowImpl a = new GoFlowImpl(Clock.system(), "bundle.a");
        GoFlowImpl b = new GoFlowImpl(Clock.system(), "bundle.b");
        Registration ra = live.add(a.registry());
        live.add(b.registry());
        FakePrimitive poolB = FakePrimitive.create(b.registry(), Primitive.Kind.WORKER_POOL, "work", Map.of("n", 2));
        FakePrimitive poolA = FakePrimitive.create(a.registry(), Primitive.Kind.WORKER_POOL, "work", Map.of("n", 1));
        FakePrimitive.create(a.registry(), Primitive.Kind.TOKEN_BUCKET, "api", Map.of());

        List<String> rows = live.snapshot().stream()
                .map(r -> r.kind().label() + " " + r.name() + " " + r.owner()).collect(Collectors.toList());
        assertEquals(List.of("token-bucket api bundle.a", "worker-pool work bundle.a", "worker-pool work bundle.b"), rows);
        assertEquals(3, live.primitives().size());
        assertSame(poolA, live.find("work").orElseThrow(), "same name: the owner sorting first wins");
        assertTrue(live.find("api", FakePrimitive.class).isPresent());
        assertTrue(live.find("api", NotAFake.class).isEmpty());

        a.close();
        ra.close();
        assertEquals(List.of("bundle.b"), live.snapshot().stream().map(PrimitiveInfo::owner).collect(Collectors.toList()));
        assertSame(poolB, live.find("work").orElseThrow());
        b.close();
    }

    /**
     * Two bundles with a pool of the same name: each snapshot row finds its own owner's pool (the
     * Micrometer binder and the dashboard read each row's figures from it), never the other's.
     */
    @Test
    void aSnapshotRowFindsItsOwnersPrimitiveWhenTwoOwnersUseTheSameName() {
        LiveRegistry live = new LiveRegistry();
        GoFlowImpl a = new GoFlowImpl(Clock.system(), "bundle.a");
        GoFlowImpl b = new GoFlowImpl(Clock.system(), "bundle.b");
        live.add(a.registry());
        live.add(b.registry());
        FakePrimitive poolA = FakePrimitive.create(a.registry(), Primitive.Kind.WORKER_POOL, "work", Map.of("n", 1));
        FakePrimitive poolB = FakePrimitive.create(b.registry(), Primitive.Kind.WORKER_POOL, "work", Map.of("n", 2));
        List<PrimitiveInfo> rows = live.snapshot();
        assertEquals(List.of("bundle.a", "bundle.b"), rows.stream().map(PrimitiveInfo::owner).collect(Collectors.toList()));
        assertSame(poolA, live.find(rows.get(0)).orElseThrow());
        assertSame(poolB, live.find(rows.get(1)).orElseThrow());
        assertSame(poolB, b.registry().find(rows.get(1)).orElseThrow());
        assertTrue(a.registry().find(rows.get(1)).isEmpty(), "a member finds only its own owner's rows");
        assertTrue(live.find(new PrimitiveInfo("work", Primitive.Kind.TOKEN_BUCKET, "bundle.b", rows.get(1).stats()))
                .isEmpty(), "the name now held by another kind");
        poolB.close();
        assertTrue(live.find(rows.get(1)).isEmpty(), "closed since the snapshot: not the other owner's pool");
        a.close();
        b.close();
    }

    @Test
    void aPrimitiveWhoseStatsFailIsListedWithTheFailureAndTheOthersStillAre() {
        LiveRegistry live = new LiveRegistry();
        GoFlowImpl a = new GoFlowImpl(Clock.system(), "bundle.a");
        GoFlowImpl b = new GoFlowImpl(Clock.system(), "bundle.b");
        live.add(a.registry());
        live.add(b.registry());
        FakePrimitive.create(a.registry(), Primitive.Kind.WORKER_POOL, "ok", Map.of("n", 1));
        FakePrimitive bad = FakePrimitive.create(b.registry(), Primitive.Kind.WORKER_POOL, "bad", Map.of("n", 2));
        bad.failStats(new IllegalStateException("backend gone"));
        List<PrimitiveInfo> rows = live.snapshot(); // the shell's goflow:stats and the dashboard list from it
        assertEquals(List.of("bad@bundle.b", "ok@bundle.a"),
                rows.stream().map(r -> r.name() + "@" + r.owner()).collect(Collectors.toList()));
        assertEquals(Map.of("statsError", "java.lang.IllegalStateException: backend gone"), rows.get(0).stats().toMap());
        assertEquals(Map.of("n", 1), rows.get(1).stats().toMap());
        a.close();
        b.close();
    }

    /**
     * Two members with the same owner (two GoFlow.load() instances) each with a primitive of the
     * same name: a new listener (the JMX exporter) is told about both, not twice about the first.
     */
    @Test
    void aNewListenerHearsEachOfTwoSameNamedPrimitivesOfOneOwner() {
        LiveRegistry live = new LiveRegistry();
        GoFlowImpl a = new GoFlowImpl(Clock.system(), "application");
        GoFlowImpl b = new GoFlowImpl(Clock.system(), "application");
        live.add(a.registry());
        live.add(b.registry());
        FakePrimitive first = FakePrimitive.create(a.registry(), Primitive.Kind.WORKER_POOL, "work", Map.of());
        FakePrimitive second = FakePrimitive.create(b.registry(), Primitive.Kind.WORKER_POOL, "work", Map.of());
        List<Primitive> told = new CopyOnWriteArrayList<>();
        live.addListener(new PrimitiveRegistry.Listener() {
            @Override
            public void added(Primitive p, String owner) {
                told.add(p);
            }

            @Override
            public void removed(Primitive p, String owner) {
            }
        });
        assertEquals(2, told.size(), told.toString());
        assertTrue(told.contains(first) && told.contains(second), "each once: " + told);
        a.close();
        b.close();
    }

    @Test
    void listenersHearEveryMemberIncludingEarlierPrimitives() {
        LiveRegistry live = new LiveRegistry();
        GoFlowImpl a = new GoFlowImpl(Clock.system(), "bundle.a");
        live.add(a.registry());
        FakePrimitive.create(a.registry(), Primitive.Kind.WORKER_POOL, "before", Map.of());
        List<String> events = new CopyOnWriteArrayList<>();
        Registration listening = live.addListener(new PrimitiveRegistry.Listener() {
            @Override
            public void added(Primitive p, String owner) {
                events.add("+" + p.name() + "@" + owner);
            }

            @Override
            public void removed(Primitive p, String owner) {
                events.add("-" + p.name() + "@" + owner);
            }
        });
        GoFlowImpl b = new GoFlowImpl(Clock.system(), "bundle.b");
        FakePrimitive.create(b.registry(), Primitive.Kind.SCHEDULER, "old", Map.of());
        live.add(b.registry());
        FakePrimitive.create(b.registry(), Primitive.Kind.SCHEDULER, "new", Map.of());
        a.close();
        listening.close();
        b.close();
        assertEquals(List.of("+before@bundle.a", "+old@bundle.b", "+new@bundle.b", "-before@bundle.a"), events);
    }

    /**
     * A listener that fails (an exception, or an Error such as a NoClassDefFoundError of a bundle
     * being refreshed) does not keep the listeners after it from hearing the event: the JMX exporter
     * would keep the MBean of a closed primitive, or never register one, and the closing thread
     * would not be hit by another bundle's failure.
     */
    @Test
    void aFailingListenerDoesNotKeepTheOthersFromHearingAnEvent() {
        for (RuntimeException failure : List.of(new IllegalStateException("listener broken"),
                new RuntimeException(new NoClassDefFoundError("gone")))) {
            LiveRegistry live = new LiveRegistry();
            GoFlowImpl a = new GoFlowImpl(Clock.system(), "bundle.a");
            live.add(a.registry());
            live.addListener(new PrimitiveRegistry.Listener() {
                @Override
                public void added(Primitive p, String owner) {
                    throwIt(failure);
                }

                @Override
                public void removed(Primitive p, String owner) {
                    throwIt(failure);
                }
            });
            List<String> events = new CopyOnWriteArrayList<>();
            live.addListener(new PrimitiveRegistry.Listener() {
                @Override
                public void added(Primitive p, String owner) {
                    events.add("+" + p.name());
                }

                @Override
                public void removed(Primitive p, String owner) {
                    events.add("-" + p.name());
                }
            });
            FakePrimitive.create(a.registry(), Primitive.Kind.WORKER_POOL, "work", Map.of());
            a.close();
            assertEquals(List.of("+work", "-work"), events, failure.toString());
        }
    }

    /** Throws the cause of {@code e} if it is an Error, else {@code e}. */
    private static void throwIt(RuntimeException e) {
        if (e.getCause() instanceof Error) {
            throw (Error) e.getCause();
        }
        throw e;
    }

    /** Another primitive type, for typed find. */
    private interface NotAFake extends Primitive {
    }
}
