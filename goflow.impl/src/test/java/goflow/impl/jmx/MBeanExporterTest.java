package goflow.impl.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.management.AttributeNotFoundException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.Primitive;
import goflow.api.ratelimit.AimdLimit;
import goflow.impl.GoFlowImpl;
import goflow.impl.internal.PrimitiveRegistry;

class MBeanExporterTest {
    private final MBeanServer server = MBeanServerFactory.newMBeanServer();

    private static Map<String, Object> stats(long submitted) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("submitted", submitted);
        m.put("workers", 4);
        m.put("utilization", 0.5);
        m.put("running", true);
        m.put("avgDuration", Duration.ofMillis(12));
        return m;
    }

    @Test
    void registersAnMBeanPerPrimitiveWithItsStatisticsAndUnregistersOnClose() throws Exception {
        PrimitiveRegistry registry = new PrimitiveRegistry("bundle.a");
        FakePrimitive early = FakePrimitive.create(registry, Primitive.Kind.WORKER_POOL, "early", stats(1));
        registry.addListener(new MBeanExporter(server, p -> Operations.NONE));
        FakePrimitive late = FakePrimitive.create(registry, Primitive.Kind.TOKEN_BUCKET, "api", stats(7));

        ObjectName earlyName = new ObjectName("goflow:type=worker-pool,name=early");
        ObjectName lateName = new ObjectName("goflow:type=token-bucket,name=api");
        assertTrue(server.isRegistered(earlyName));
        assertTrue(server.isRegistered(lateName));
        assertEquals(7L, server.getAttribute(lateName, "submitted"));
        assertEquals(4L, server.getAttribute(lateName, "workers"));
        assertEquals(0.5, server.getAttribute(lateName, "utilization"));
        assertEquals(true, server.getAttribute(lateName, "running"));
        assertEquals("PT0.012S", server.getAttribute(lateName, "avgDuration"));
        assertEquals("api", server.getAttribute(lateName, "Name"));
        assertEquals("token-bucket", server.getAttribute(lateName, "Kind"));
        assertEquals("bundle.a", server.getAttribute(lateName, "Owner"));
        assertThrows(AttributeNotFoundException.class, () -> server.getAttribute(lateName, "nope"));

        late.stats(stats(8));
        assertEquals(8L, server.getAttribute(lateName, "submitted"), "attributes are read live");
        Set<String> attrs = Arrays.stream(server.getMBeanInfo(lateName).getAttributes())
                .map(MBeanAttributeInfo::getName).collect(Collectors.toSet());
        assertEquals(Set.of("Name", "Kind", "Owner", "submitted", "workers", "utilization", "running",
                "avgDuration"), attrs);

        late.close();
        assertFalse(server.isRegistered(lateName));
        registry.closeAll();
        assertFalse(server.isRegistered(earlyName));
        assertFalse(early.name().isEmpty());
    }

    @Test
    void sameNameFromTwoOwnersGetsAnOwnerKey() throws Exception {
        MBeanExporter exporter = new MBeanExporter(server, p -> Operations.NONE);
        PrimitiveRegistry a = new PrimitiveRegistry("bundle.a");
        PrimitiveRegistry b = new PrimitiveRegistry("bundle.b");
        a.addListener(exporter);
        b.addListener(exporter);
        FakePrimitive.create(a, Primitive.Kind.WORKER_POOL, "work", stats(1));
        FakePrimitive second = FakePrimitive.create(b, Primitive.Kind.WORKER_POOL, "work", stats(2));
        ObjectName plain = new ObjectName("goflow:type=worker-pool,name=work");
        ObjectName owned = new ObjectName("goflow:type=worker-pool,name=work,owner=\"bundle.b\"");
        assertEquals(1L, server.getAttribute(plain, "submitted"));
        assertEquals(2L, server.getAttribute(owned, "submitted"));
        second.close();
        assertFalse(server.isRegistered(owned));
        exporter.unregisterAll();
        assertFalse(server.isRegistered(plain));
    }

    @Test
    void plainJvmOptInThroughSystemProperty() throws Exception {
        MBeanServer platform = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("goflow:type=scheduler,name=jmx-opt-in");
        try (GoFlowImpl off = new GoFlowImpl()) {
            FakePrimitive.create(off.registry(), Primitive.Kind.SCHEDULER, "jmx-opt-in", stats(1));
            assertFalse(platform.isRegistered(name), "JMX is opt-in on a plain JVM");
        }
        System.setProperty("goflow.jmx", "true");
        try (GoFlowImpl on = new GoFlowImpl()) {
            FakePrimitive.create(on.registry(), Primitive.Kind.SCHEDULER, "jmx-opt-in", stats(1));
            assertTrue(platform.isRegistered(name));
            on.close();
            assertFalse(platform.isRegistered(name), "closing the GoFlow unregisters its MBeans");
        } finally {
            System.clearProperty("goflow.jmx");
        }
        try (GoFlowImpl explicit = new GoFlowImpl(Clock.system(), "x")) {
            FakePrimitive.create(explicit.registry(), Primitive.Kind.SCHEDULER, "jmx-opt-in", stats(1));
            assertFalse(platform.isRegistered(name));
        }
    }

    @Test
    void liveChangeOperationsOnLimitersAndPools() throws Exception {
        try (GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "app")) {
            goflow.registry().addListener(new MBeanExporter(server, StandardOperations::of));
            goflow.tokenBucket().name("api").rate(100).burst(200).build();
            goflow.concurrencyLimiter().name("db").capacity(8).build();
            goflow.workerPool().name("work").workers(2).build();
            ObjectName api = new ObjectName("goflow:type=token-bucket,name=api");
            server.invoke(api, "setRate", new Object[] {50.0}, new String[] {"double"});
            server.invoke(api, "setBurst", new Object[] {10L}, new String[] {"long"});
            assertEquals(50.0, server.getAttribute(api, "rate"));
            assertEquals(10L, server.getAttribute(api, "burst"));
            javax.management.RuntimeMBeanException invalid = assertThrows(javax.management.RuntimeMBeanException.class,
                    () -> server.invoke(api, "setBurst", new Object[] {0L}, new String[] {"long"}));
            assertTrue(invalid.getCause().getMessage().contains("burst"), invalid.getCause().getMessage());
            ObjectName db = new ObjectName("goflow:type=concurrency-limiter,name=db");
            server.invoke(db, "setCapacity", new Object[] {3L}, new String[] {"long"});
            assertEquals(3L, server.getAttribute(db, "capacity"));
            goflow.adaptiveLimiter().name("backend").algorithm(AimdLimit.defaults())
                    .initialLimit(10).minLimit(2).maxLimit(50).build();
            ObjectName backend = new ObjectName("goflow:type=adaptive-limiter,name=backend");
            server.invoke(backend, "setLimit", new Object[] {30}, new String[] {"int"});
            assertEquals(30L, server.getAttribute(backend, "limit"));
            javax.management.RuntimeMBeanException outside = assertThrows(javax.management.RuntimeMBeanException.class,
                    () -> server.invoke(backend, "setLimit", new Object[] {51}, new String[] {"int"}));
            assertTrue(outside.getCause().getMessage().contains("limit=51"), outside.getCause().getMessage());
            assertEquals(30L, server.getAttribute(backend, "limit"));
            assertEquals("aimd", server.getAttribute(backend, "algorithm"));
            ObjectName work = new ObjectName("goflow:type=worker-pool,name=work");
            server.invoke(work, "setWorkers", new Object[] {3}, new String[] {"int"});
            assertEquals(3L, server.getAttribute(work, "workers"));
            Set<String> ops = Arrays.stream(server.getMBeanInfo(api).getOperations())
                    .map(javax.management.MBeanOperationInfo::getName).collect(Collectors.toSet());
            assertEquals(Set.of("setRate", "setBurst"), ops);
        }
        assertTrue(server.queryNames(new ObjectName("goflow:*"), null).isEmpty());
    }

    /**
     * A remote JMX client (jconsole, a monitoring agent) has none of goflow's classes: every
     * exception an MBean throws must deserialize with the JDK's classes alone, and still carry
     * goflow's message. Each failure is sent through serialization and read back with a class
     * loader that sees only the platform's classes, as RMI does on such a client.
     */
    @Test
    void failuresReachAClientWithoutGoflowClassesWithGoflowsMessage() throws Exception {
        try (GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "app")) {
            goflow.registry().addListener(new MBeanExporter(server, StandardOperations::of));
            goflow.tokenBucket().name("api").rate(100).burst(200).build();
            goflow.concurrencyLimiter().name("db").capacity(8).build();
            FakePrimitive broken = FakePrimitive.create(goflow.registry(), Primitive.Kind.SCHEDULER, "broken", stats(1));
            ObjectName api = new ObjectName("goflow:type=token-bucket,name=api");
            ObjectName db = new ObjectName("goflow:type=concurrency-limiter,name=db");
            ObjectName brokenName = new ObjectName("goflow:type=scheduler,name=broken");

            Throwable invalid = remote(() -> server.invoke(api, "setBurst", new Object[] {0L}, new String[] {"long"}));
            assertEquals(IllegalArgumentException.class, invalid.getCause().getClass(), invalid.toString());
            assertEquals("token-bucket 'api': invalid burst=0 (must be positive) - burst is the number of tokens that "
                    + "can be taken at once", invalid.getCause().getMessage());

            Throwable tooBig = remote(() -> server.invoke(db, "setCapacity", new Object[] {3_000_000_000L},
                    new String[] {"long"}));
            assertEquals(IllegalArgumentException.class, tooBig.getCause().getClass(), tooBig.toString());
            assertTrue(tooBig.getCause().getMessage().contains("capacity=3000000000"), tooBig.getCause().getMessage());
            assertEquals(8L, server.getAttribute(db, "capacity"));

            broken.failStats(new goflow.api.ClosedException("scheduler 'broken' is closed"));
            Throwable attribute = remote(() -> server.getAttribute(brokenName, "submitted"));
            assertEquals(IllegalStateException.class, attribute.getCause().getClass(), attribute.toString());
            assertEquals("scheduler 'broken' is closed", attribute.getCause().getMessage());
            javax.management.AttributeList listed = server.getAttributes(brokenName, new String[] {"submitted", "statsError"});
            assertEquals(1, listed.size(), "getAttributes leaves out the statistics it cannot read");
            assertEquals("goflow.api.ClosedException: scheduler 'broken' is closed", listed.asList().get(0).getValue());

            Throwable unknown = remote(() -> server.invoke(api, "explode", new Object[0], new String[0]));
            assertTrue(rootMessage(unknown).contains("explode"), rootMessage(unknown));
        }
    }

    /** An action expected to fail. */
    interface Failing {
        Object run() throws Exception;
    }

    /** Runs the action and returns its failure as a client without goflow's classes would read it. */
    static Throwable remote(Failing action) throws Exception {
        Exception thrown;
        try {
            action.run();
            throw new AssertionError("no failure");
        } catch (Exception e) {
            thrown = e;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(thrown);
        }
        ClassLoader platform = ClassLoader.getPlatformClassLoader();
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray())) {
            @Override
            protected Class<?> resolveClass(java.io.ObjectStreamClass desc) throws ClassNotFoundException {
                return Class.forName(desc.getName(), false, platform);
            }
        }) {
            return (Throwable) in.readObject();
        } catch (ClassNotFoundException e) {
            throw new AssertionError("a client without goflow's classes cannot read " + thrown + ": " + e, e);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
