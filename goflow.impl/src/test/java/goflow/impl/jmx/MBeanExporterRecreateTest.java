package goflow.impl.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

import goflow.api.Primitive;
import goflow.api.Registration;
import goflow.impl.internal.PrimitiveRegistry;

/**
 * A primitive re-created under the name of one being closed, in the window between the registry
 * freeing the name and the exporter unregistering the old MBean: once the old MBean is gone, the
 * new primitive is under the name the old one had, never left under a disambiguated name.
 */
class MBeanExporterRecreateTest {
    private static final ObjectName ALL = name("goflow:*");
    private static final ObjectName PLAIN = name("goflow:type=worker-pool,name=work");

    private final MBeanServer server = MBeanServerFactory.newMBeanServer();

    private static ObjectName name(String name) {
        try {
            return new ObjectName(name);
        } catch (javax.management.MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ObjectName owned(String owner) {
        return name("goflow:type=worker-pool,name=work,owner=" + ObjectName.quote(owner));
    }

    /**
     * Listens ahead of the exporter: when "work" is removed, re-creates it at once, i.e. after the
     * registry freed the name and before the exporter heard of the removal.
     */
    private static Registration recreateOnRemoval(PrimitiveRegistry registry, long submitted,
            AtomicReference<FakePrimitive> recreated) {
        return registry.addListener(new PrimitiveRegistry.Listener() {
            @Override
            public void added(Primitive primitive, String owner) {
                // only removals matter
            }

            @Override
            public void removed(Primitive primitive, String owner) {
                if (primitive.name().equals("work") && recreated.get() == null) {
                    recreated.set(FakePrimitive.create(registry, Primitive.Kind.WORKER_POOL, "work",
                            Map.of("submitted", submitted)));
                }
            }
        });
    }

    @Test
    void recreatedBeforeTheOldMBeanIsUnregisteredEndsUnderThePlainName() throws Exception {
        PrimitiveRegistry registry = new PrimitiveRegistry("bundle.a");
        AtomicReference<FakePrimitive> recreated = new AtomicReference<>();
        recreateOnRemoval(registry, 2L, recreated);
        registry.addListener(new MBeanExporter(server, p -> Operations.NONE));
        FakePrimitive old = FakePrimitive.create(registry, Primitive.Kind.WORKER_POOL, "work", Map.of("submitted", 1L));
        assertEquals(Set.of(PLAIN), server.queryNames(ALL, null));

        old.close();

        assertEquals(Set.of(PLAIN), server.queryNames(ALL, null), "the new one takes the name the old one freed");
        assertEquals(2L, server.getAttribute(PLAIN, "submitted"), "the plain name shows the new primitive");
        recreated.get().close();
        assertEquals(Set.of(), server.queryNames(ALL, null));
    }

    /**
     * The same with an owner key: another owner holds the plain name, so the old one was
     * {@code owner="bundle.b"} and the new one, finding that taken too, got an {@code instance}
     * key; it ends under {@code owner="bundle.b"}, and the other owner's MBean is untouched.
     */
    @Test
    void recreatedUnderAnOwnerKeyEndsUnderTheOwnerKeyNotAnInstanceKey() throws Exception {
        MBeanExporter exporter = new MBeanExporter(server, p -> Operations.NONE);
        PrimitiveRegistry a = new PrimitiveRegistry("bundle.a");
        PrimitiveRegistry b = new PrimitiveRegistry("bundle.b");
        AtomicReference<FakePrimitive> recreated = new AtomicReference<>();
        recreateOnRemoval(b, 3L, recreated);
        a.addListener(exporter);
        b.addListener(exporter);
        FakePrimitive first = FakePrimitive.create(a, Primitive.Kind.WORKER_POOL, "work", Map.of("submitted", 1L));
        FakePrimitive old = FakePrimitive.create(b, Primitive.Kind.WORKER_POOL, "work", Map.of("submitted", 2L));
        assertEquals(Set.of(PLAIN, owned("bundle.b")), server.queryNames(ALL, null));

        old.close();

        assertEquals(Set.of(PLAIN, owned("bundle.b")), server.queryNames(ALL, null));
        assertEquals(1L, server.getAttribute(PLAIN, "submitted"));
        assertEquals(3L, server.getAttribute(owned("bundle.b"), "submitted"));

        first.close();
        assertEquals(Set.of(owned("bundle.b")), server.queryNames(ALL, null),
                "another owner's primitive keeps its name when the plain one frees");
        recreated.get().close();
        assertEquals(Set.of(), server.queryNames(ALL, null));
    }

    /**
     * The other order of the same race, on two threads: the exporter is unregistering the old MBean
     * (held inside {@code unregisterMBean} by a delegating MBean server) when the new primitive is
     * listed.
     */
    @Test
    void recreatedWhileTheOldMBeanIsBeingUnregisteredEndsUnderThePlainName() throws Exception {
        CountDownLatch unregistering = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        MBeanServer blocking = blockingUnregister(server, unregistering, proceed);
        PrimitiveRegistry registry = new PrimitiveRegistry("bundle.a");
        registry.addListener(new MBeanExporter(blocking, p -> Operations.NONE));
        FakePrimitive old = FakePrimitive.create(registry, Primitive.Kind.WORKER_POOL, "work", Map.of("submitted", 1L));

        Thread closer = new Thread(old::close, "closer");
        closer.start();
        assertTrue(unregistering.await(30, TimeUnit.SECONDS), "the exporter did not unregister the old MBean");
        AtomicReference<FakePrimitive> recreated = new AtomicReference<>();
        Thread creator = new Thread(() -> recreated.set(FakePrimitive.create(registry, Primitive.Kind.WORKER_POOL,
                "work", Map.of("submitted", 2L))), "creator");
        creator.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (creator.isAlive() && creator.getState() != Thread.State.BLOCKED
                && creator.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.onSpinWait(); // until the creator is done or waits for the closer
        }
        proceed.countDown();
        closer.join(30_000);
        creator.join(30_000);

        assertEquals(Set.of(PLAIN), server.queryNames(ALL, null));
        assertEquals(2L, server.getAttribute(PLAIN, "submitted"));
        recreated.get().close();
        assertEquals(Set.of(), server.queryNames(ALL, null));
    }

    /**
     * A primitive listed while the exporter is being stopped (the registry had already started
     * telling its listeners, so removing the exporter from the registry does not stop that call)
     * leaves no MBean behind once {@link MBeanExporter#unregisterAll} returned.
     */
    @Test
    void aPrimitiveListedWhileTheExporterStopsLeavesNoMBean() throws Exception {
        PrimitiveRegistry registry = new PrimitiveRegistry("bundle.a");
        CountDownLatch reached = new CountDownLatch(1);
        CountDownLatch proceed = new CountDownLatch(1);
        registry.addListener(new PrimitiveRegistry.Listener() {
            @Override
            public void added(Primitive primitive, String owner) {
                reached.countDown();
                try {
                    proceed.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void removed(Primitive primitive, String owner) {
                // nothing
            }
        });
        MBeanExporter exporter = new MBeanExporter(server, p -> Operations.NONE);
        Registration listening = registry.addListener(exporter);
        AtomicReference<FakePrimitive> late = new AtomicReference<>();
        Thread creator = new Thread(() -> late.set(FakePrimitive.create(registry, Primitive.Kind.WORKER_POOL, "late",
                Map.of())), "creator");
        creator.start();
        assertTrue(reached.await(30, TimeUnit.SECONDS));
        listening.close();
        exporter.unregisterAll();
        proceed.countDown();
        creator.join(30_000);

        assertEquals(Set.of(), server.queryNames(ALL, null), "nothing registered after unregisterAll");
        late.get().close();
    }

    /** An MBean server that delegates to {@code real} and holds the first unregisterMBean until released. */
    static MBeanServer blockingUnregister(MBeanServer real, CountDownLatch entered, CountDownLatch proceed) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("unregisterMBean") && entered.getCount() > 0) {
                entered.countDown();
                if (!proceed.await(30, TimeUnit.SECONDS)) {
                    throw new AssertionError("not released");
                }
            }
            try {
                return method.invoke(real, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (MBeanServer) Proxy.newProxyInstance(MBeanServer.class.getClassLoader(),
                new Class<?>[] {MBeanServer.class}, handler);
    }
}
