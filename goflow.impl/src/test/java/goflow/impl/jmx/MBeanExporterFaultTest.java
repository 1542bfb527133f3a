package goflow.impl.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.RuntimeMBeanException;

import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.Primitive;
import goflow.impl.GoFlowImpl;
import goflow.impl.internal.PrimitiveRegistry;

/** The exporter and its MBeans when primitives, clients or the MBean server misbehave. */
class MBeanExporterFaultTest {
    private final MBeanServer server = MBeanServerFactory.newMBeanServer();

    /** An error of goflow's (or a plugin's) own class, which a remote client cannot load. */
    static final class StatsBroken extends Error {
        private static final long serialVersionUID = 1L;

        StatsBroken(String message) {
            super(message);
        }
    }

    private static String[] attributeNames(MBeanServer server, ObjectName name) throws Exception {
        return Arrays.stream(server.getMBeanInfo(name).getAttributes()).map(MBeanAttributeInfo::getName)
                .toArray(String[]::new);
    }

    private static Map<String, Object> values(AttributeList list) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Attribute a : list.asList()) {
            m.put(a.getName(), a.getValue());
        }
        return m;
    }

    /**
     * What jconsole does for every MBean: getMBeanInfo, then getAttributes of every attribute it
     * lists. A primitive whose stats() throws (a RuntimeException, or an Error other than a
     * VirtualMachineError) is still registered and shows its name, kind, owner and the failure.
     */
    @Test
    void aPrimitiveWhoseStatsFailIsExportedWithTheFailure() throws Exception {
        PrimitiveRegistry registry = new PrimitiveRegistry("bundle.a");
        FakePrimitive broken = FakePrimitive.create(registry, Primitive.Kind.SCHEDULER, "broken", Map.of("submitted", 1L));
        FakePrimitive error = FakePrimitive.create(registry, Primitive.Kind.SCHEDULER, "error", Map.of("submitted", 2L));
        broken.failStats(new IllegalStateException("backend gone"));
        error.failStats(new StatsBroken("stats assertion"));
        registry.addListener(new MBeanExporter(server, p -> Operations.NONE));
        ObjectName brokenName = new ObjectName("goflow:type=scheduler,name=broken");
        ObjectName errorName = new ObjectName("goflow:type=scheduler,name=error");
        assertTrue(server.isRegistered(brokenName), "exported although its stats() throws");
        assertTrue(server.isRegistered(errorName), "exported although its stats() throws an Error");

        String[] attrs = attributeNames(server, brokenName);
        assertEquals(List.of("Name", "Kind", "Owner", "statsError"), List.of(attrs));
        assertEquals(Map.of("Name", "broken", "Kind", "scheduler", "Owner", "bundle.a",
                "statsError", "java.lang.IllegalStateException: backend gone"),
                values(server.getAttributes(brokenName, attrs)));
        Map<String, Object> errorValues = values(server.getAttributes(errorName, attributeNames(server, errorName)));
        assertEquals("error", errorValues.get("Name"));
        assertTrue(String.valueOf(errorValues.get("statsError")).contains("stats assertion"), errorValues.toString());
        assertEquals(Map.of("Name", "broken"), values(server.getAttributes(brokenName, new String[] {"Name", "submitted"})),
                "getAttributes leaves out what it cannot read");

        Throwable read = MBeanExporterTest.remote(() -> server.getAttribute(errorName, "submitted"));
        assertEquals(IllegalStateException.class, read.getCause().getClass(), read.toString());
        assertEquals("stats assertion", read.getCause().getMessage());

        broken.failStats((RuntimeException) null);
        assertEquals(1L, server.getAttribute(brokenName, "submitted"));
        assertEquals(List.of("Name", "Kind", "Owner", "submitted"), List.of(attributeNames(server, brokenName)));
        assertTrue(values(server.getAttributes(brokenName, new String[] {"statsError"})).isEmpty());
    }

    /**
     * A generic client (a JMX-over-HTTP bridge given a malformed request) may send a null attribute
     * name, which the MBean server passes on: it is left out as an unknown name, as a standard
     * MBean does, not failing the whole read.
     */
    @Test
    void getAttributesLeavesOutANullName() throws Exception {
        PrimitiveRegistry registry = new PrimitiveRegistry("bundle.a");
        FakePrimitive.create(registry, Primitive.Kind.SCHEDULER, "s", Map.of("submitted", 1L));
        registry.addListener(new MBeanExporter(server, p -> Operations.NONE));
        ObjectName name = new ObjectName("goflow:type=scheduler,name=s");
        assertEquals(Map.of("Name", "s", "submitted", 1L),
                values(server.getAttributes(name, new String[] {"Name", null, "submitted", "nope"})));
    }

    /**
     * A primitive closed on another thread while its MBean is being registered (the close is done
     * by the operations factory, which the exporter calls just before registering) leaves no MBean
     * of a closed primitive behind.
     */
    @Test
    void aPrimitiveClosedWhileItsMBeanIsRegisteredLeavesNoMBean() throws Exception {
        PrimitiveRegistry registry = new PrimitiveRegistry("bundle.a");
        registry.addListener(new MBeanExporter(server, p -> {
            p.close();
            return Operations.NONE;
        }));
        FakePrimitive.create(registry, Primitive.Kind.WORKER_POOL, "short", Map.of("submitted", 1L));
        assertTrue(registry.primitives().isEmpty());
        assertEquals(Set.of(), server.queryNames(new ObjectName("goflow:*"), null));
    }

    /**
     * Two registries with the same owner (two GoFlow.load() instances on one JVM, two versions of a
     * bundle) each with a primitive of the same name: both are exported, and unregistered on close.
     */
    @Test
    void sameNameAndSameOwnerAreBothExported() throws Exception {
        MBeanExporter exporter = new MBeanExporter(server, p -> Operations.NONE);
        PrimitiveRegistry a = new PrimitiveRegistry("application");
        PrimitiveRegistry b = new PrimitiveRegistry("application");
        PrimitiveRegistry c = new PrimitiveRegistry("application");
        a.addListener(exporter);
        b.addListener(exporter);
        c.addListener(exporter);
        FakePrimitive first = FakePrimitive.create(a, Primitive.Kind.WORKER_POOL, "work", Map.of("submitted", 1L));
        FakePrimitive second = FakePrimitive.create(b, Primitive.Kind.WORKER_POOL, "work", Map.of("submitted", 2L));
        FakePrimitive third = FakePrimitive.create(c, Primitive.Kind.WORKER_POOL, "work", Map.of("submitted", 3L));
        ObjectName pattern = new ObjectName("goflow:type=worker-pool,name=work,*");
        Set<Object> submitted = server.queryNames(pattern, null).stream().map(n -> {
            try {
                return server.getAttribute(n, "submitted");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }).collect(Collectors.toSet());
        assertEquals(Set.of(1L, 2L, 3L), submitted);
        second.close();
        assertEquals(2, server.queryNames(pattern, null).size());
        third.close();
        first.close();
        assertEquals(Set.of(), server.queryNames(pattern, null));
    }

    /**
     * Owners (bundle names, configuration PIDs) and names with characters special in object names:
     * owners differing only in them get distinct names, every MBean reads back its own owner and
     * name, and all are unregistered on close.
     */
    @Test
    void ownersAndNamesWithSpecialCharactersAreQuotedDistinctAndUnregistered() throws Exception {
        MBeanExporter exporter = new MBeanExporter(server, p -> Operations.NONE);
        List<String> owners = List.of("goflow.tokenbucket~api", "a,b=c:\"*?\\\n\u00e9", "a,b=c:\"*?\\\n\u00e8", "a,b=c:");
        List<PrimitiveRegistry> registries = owners.stream().map(PrimitiveRegistry::new).toList();
        for (PrimitiveRegistry r : registries) {
            r.addListener(exporter);
            FakePrimitive.create(r, Primitive.Kind.WORKER_POOL, "work", Map.of());
            FakePrimitive.create(r, Primitive.Kind.WORKER_POOL, "gr\u00f6\u00dfe\\x", Map.of());
        }
        for (String name : List.of("work", "gr\u00f6\u00dfe\\x")) {
            ObjectName pattern = new ObjectName("goflow:type=worker-pool,name=" + name + ",*");
            Set<ObjectName> names = server.queryNames(pattern, null);
            assertEquals(owners.size(), names.size(), names.toString());
            Set<Object> read = new java.util.HashSet<>();
            for (ObjectName n : names) {
                assertEquals(name, server.getAttribute(n, "Name"));
                read.add(server.getAttribute(n, "Owner"));
            }
            assertEquals(Set.copyOf(owners), read);
        }
        registries.forEach(PrimitiveRegistry::closeAll);
        assertEquals(Set.of(), server.queryNames(new ObjectName("goflow:*"), null));
    }

    /**
     * An argument of the wrong type, count or range (a generic client sends what it likes: the
     * MBean server does not check it against the signature) is refused naming the operation, the
     * parameter and the rule, and nothing is changed: never an int overflow, never a silent
     * truncation of a fraction.
     */
    @Test
    void operationArgumentsOfTheWrongTypeCountOrRangeAreRefusedAndChangeNothing() throws Exception {
        try (GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "app")) {
            goflow.registry().addListener(new MBeanExporter(server, StandardOperations::of));
            goflow.tokenBucket().name("api").rate(100).burst(200).build();
            goflow.workerPool().name("work").workers(2).maxWorkers(8).build();
            ObjectName api = new ObjectName("goflow:type=token-bucket,name=api");
            ObjectName work = new ObjectName("goflow:type=worker-pool,name=work");

            String overflow = refused(() -> server.invoke(work, "setWorkers", new Object[] {4_294_967_299L},
                    new String[] {"long"}));
            assertTrue(overflow.contains("workers=4294967299"), overflow);
            assertEquals(2L, server.getAttribute(work, "workers"));

            String fraction = refused(() -> server.invoke(api, "setBurst", new Object[] {2.5}, new String[] {"double"}));
            assertTrue(fraction.contains("setBurst") && fraction.contains("burst") && fraction.contains("2.5"), fraction);
            assertEquals(200L, server.getAttribute(api, "burst"));

            String text = refused(() -> server.invoke(api, "setRate", new Object[] {"fast"}, new String[] {"java.lang.String"}));
            assertTrue(text.contains("setRate") && text.contains("eventsPerSecond") && text.contains("fast"), text);
            String none = refused(() -> server.invoke(api, "setRate", new Object[0], new String[0]));
            assertTrue(none.contains("setRate") && none.contains("eventsPerSecond"), none);
            assertEquals(100.0, server.getAttribute(api, "rate"));
        }
    }

    private static String refused(MBeanExporterTest.Failing action) {
        RuntimeMBeanException e = assertThrows(RuntimeMBeanException.class, action::run);
        assertEquals(IllegalArgumentException.class, e.getCause().getClass(), e.toString());
        assertFalse(e.getCause().getMessage().isEmpty());
        return e.getCause().getMessage();
    }
}
