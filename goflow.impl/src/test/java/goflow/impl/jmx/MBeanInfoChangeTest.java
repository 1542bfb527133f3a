package goflow.impl.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.Notification;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.Primitive;
import goflow.api.pipeline.Pipeline;
import goflow.impl.GoFlowImpl;
import goflow.impl.internal.PrimitiveRegistry;

/**
 * A figure that appears later (a pipeline's {@code lastExecution}, a plugin's figures) reaches a
 * client that caches the MBeanInfo (jconsole): the MBeanInfo is declared mutable and its change is
 * announced once with {@code jmx.mbean.info.changed}.
 */
class MBeanInfoChangeTest {
    private final MBeanServer server = MBeanServerFactory.newMBeanServer();

    private static List<String> attributes(MBeanInfo info) {
        return Arrays.stream(info.getAttributes()).map(MBeanAttributeInfo::getName).toList();
    }

    /** Reads the MBean as a polling client does until a notification arrives. */
    private Notification pollUntilNotified(ObjectName name, BlockingQueue<Notification> received) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            server.getAttribute(name, "Name");
            server.getAttributes(name, new String[] {"submitted"});
            Notification n = received.poll(10, TimeUnit.MILLISECONDS);
            if (n != null) {
                return n;
            }
        }
        throw new AssertionError("no jmx.mbean.info.changed from " + name);
    }

    @Test
    void aFigureThatAppearsIsAnnouncedOnceWithTheNewMBeanInfo() throws Exception {
        PrimitiveRegistry registry = new PrimitiveRegistry("bundle.a");
        registry.addListener(new MBeanExporter(server, p -> Operations.NONE));
        FakePrimitive p = FakePrimitive.create(registry, Primitive.Kind.WORKER_POOL, "work", Map.of("submitted", 1L));
        ObjectName name = new ObjectName("goflow:type=worker-pool,name=work");

        MBeanInfo before = server.getMBeanInfo(name);
        assertEquals("false", before.getDescriptor().getFieldValue("immutableInfo"));
        assertTrue(Arrays.stream(before.getNotifications()).map(MBeanNotificationInfo::getNotifTypes)
                .flatMap(Arrays::stream).anyMatch("jmx.mbean.info.changed"::equals),
                Arrays.toString(before.getNotifications()));
        BlockingQueue<Notification> received = new LinkedBlockingQueue<>();
        server.addNotificationListener(name, (n, handback) -> received.add(n), null, null);
        server.getAttribute(name, "submitted");
        assertNull(received.poll(), "no change, no notification");

        p.stats(Map.of("submitted", 1L, "lastExecution", "2026-01-01T00:00:00Z"));
        Notification n = pollUntilNotified(name, received);
        assertEquals("jmx.mbean.info.changed", n.getType());
        assertEquals(name, n.getSource());
        MBeanInfo notified = (MBeanInfo) n.getUserData();
        assertEquals(Set.of("Name", "Kind", "Owner", "submitted", "lastExecution"), Set.copyOf(attributes(notified)));
        assertEquals("false", notified.getDescriptor().getFieldValue("immutableInfo"));

        server.getMBeanInfo(name);
        server.getAttribute(name, "lastExecution");
        server.getAttributes(name, new String[] {"submitted", "lastExecution"});
        assertNull(received.poll(), "the same figures are announced once (delivery is on the reading thread)");

        p.stats(Map.of("submitted", 2L));
        Notification gone = pollUntilNotified(name, received);
        assertEquals(Set.of("Name", "Kind", "Owner", "submitted"),
                Set.copyOf(attributes((MBeanInfo) gone.getUserData())));
        assertTrue(gone.getSequenceNumber() > n.getSequenceNumber());
        server.getAttribute(name, "submitted");
        assertNull(received.poll());
        p.close();
    }

    /** The real case: a pipeline's {@code lastExecution} appears after its first execution. */
    @Test
    void aPipelinesLastExecutionIsAnnouncedAfterTheFirstExecution() throws Exception {
        try (GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "app")) {
            goflow.registry().addListener(new MBeanExporter(server, StandardOperations::of));
            Pipeline<String, Integer> pipeline = goflow.pipeline("lengths").input(String.class)
                    .stage("len", String::length).build();
            ObjectName name = new ObjectName("goflow:type=pipeline,name=lengths");
            assertFalse(attributes(server.getMBeanInfo(name)).contains("lastExecution"));
            BlockingQueue<Notification> received = new LinkedBlockingQueue<>();
            server.addNotificationListener(name, (n, handback) -> received.add(n), null, null);

            assertEquals(5, pipeline.execute("hello").output());
            Notification n = pollUntilNotified(name, received);
            MBeanInfo notified = (MBeanInfo) n.getUserData();
            assertNotNull(notified);
            assertTrue(attributes(notified).contains("lastExecution"), attributes(notified).toString());
        }
    }
}
