package goflow.redis.streams.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceEvent;
import org.osgi.framework.ServiceListener;
import org.osgi.framework.ServiceReference;

import goflow.api.GoFlow;
import goflow.api.pipeline.Pipeline;
import goflow.impl.GoFlowImpl;
import goflow.redis.streams.RedisServer;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;

/**
 * A {@code goflow.redis.stream} configuration whose pipeline name matches two pipeline services
 * (two bundles, or two configurations, giving one {@code goflow.name}): the consumer runs on one,
 * and what happens to the other does not stop it; when the one it runs on goes, it goes on with the
 * other. A service registry of a fake bundle context, a real redis-server.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamConsumerPipelinesTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private RedisServer server;
    private RedisClient redis;
    private final GoFlow goflow = new GoFlowImpl();
    private final List<ServiceListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<ServiceReference<?>, Pipeline<?, ?>> services = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeAll
    void startRedis() throws Exception {
        server = RedisServer.start();
        redis = server.client();
    }

    @AfterAll
    void stopRedis() throws Exception {
        goflow.close();
        redis.close();
        server.close();
    }

    private final BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {BundleContext.class}, (proxy, m, args) -> switch (m.getName()) {
                case "createFilter" -> FrameworkUtil.createFilter((String) args[0]);
                case "addServiceListener" -> {
                    listeners.add((ServiceListener) args[0]);
                    yield null;
                }
                case "removeServiceListener" -> {
                    listeners.remove((ServiceListener) args[0]);
                    yield null;
                }
                case "getServiceReferences" -> services.isEmpty() ? null // every one is a pipeline named orders
                        : services.keySet().toArray(new ServiceReference<?>[0]);
                case "getService" -> services.get((ServiceReference<?>) args[0]);
                case "ungetService" -> true;
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                default -> throw new UnsupportedOperationException(m.getName());
            });

    private ServiceReference<?> reference(String name) {
        return (ServiceReference<?>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {ServiceReference.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "getProperty" -> "goflow.name".equals(args[0]) ? name
                            : "objectClass".equals(args[0]) ? new String[] {Pipeline.class.getName()} : null;
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "toString" -> "pipeline service " + name;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private ServiceReference<?> register(Pipeline<?, ?> pipeline) {
        ServiceReference<?> ref = reference("orders");
        services.put(ref, pipeline);
        listeners.forEach(l -> l.serviceChanged(new ServiceEvent(ServiceEvent.REGISTERED, ref)));
        return ref;
    }

    private void unregister(ServiceReference<?> ref) {
        listeners.forEach(l -> l.serviceChanged(new ServiceEvent(ServiceEvent.UNREGISTERING, ref)));
        services.remove(ref);
    }

    private StreamConsumerConfig config(Map<String, Object> values) {
        return (StreamConsumerConfig) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {StreamConsumerConfig.class}, (proxy, m, args) -> {
                    if (values.containsKey(m.getName())) {
                        return values.get(m.getName());
                    }
                    return m.getDefaultValue();
                });
    }

    private Pipeline<String, String> tagging(String tag) {
        return goflow.pipeline("orders-" + tag).input(String.class).stage("tag", s -> tag + ":" + s).build();
    }

    @Test
    void aSecondPipelineOfTheNameGoingAwayDoesNotStopTheConsumerAndTheFirstGoingAwayHandsItOver() {
        String pid = "goflow.redis.stream~two-pipelines";
        StreamConsumerConfig config = config(Map.of("uri", "redis://127.0.0.1:" + server.port(), "stream", "{p}:in",
                "group", "workers", "output", "{p}:out", "pipeline", "orders", "block", "PT0.1S",
                "reconnectInterval", "PT0.05S"));
        StreamConsumerComponent c = new StreamConsumerComponent(context, config, Map.of("service.pid", pid), goflow);
        try {
            ServiceReference<?> first = register(tagging("first"));
            ServiceReference<?> second = register(tagging("second"));
            assertEquals("running", status(pid));
            redis.xadd("{p}:in", StreamEntryID.NEW_ENTRY, Map.of("data", "a"));
            Awaitility.await().atMost(WAIT).until(() -> redis.xlen("{p}:out") == 1);

            unregister(second); // not the one the consumer runs on
            assertEquals("running", status(pid), "the pipeline it runs on is still there");
            redis.xadd("{p}:in", StreamEntryID.NEW_ENTRY, Map.of("data", "b"));
            Awaitility.await().atMost(WAIT).until(() -> redis.xlen("{p}:out") == 2);

            ServiceReference<?> third = register(tagging("third"));
            unregister(first); // the one it runs on: it goes on with the one still there
            assertEquals("running", status(pid), "a pipeline of the name is still there");
            redis.xadd("{p}:in", StreamEntryID.NEW_ENTRY, Map.of("data", "c"));
            Awaitility.await().atMost(WAIT).until(() -> redis.xlen("{p}:out") == 3);
            assertEquals("third:c", redis.xrange("{p}:out", "-", "+").get(2).getFields().get("data"));

            unregister(third);
            assertEquals("waiting for pipeline orders", status(pid));
        } finally {
            c.deactivate();
        }
    }

    @Test
    void aConsumerWhosePipelineWasClosedUnderItIsNotShownRunning() {
        String pid = "goflow.redis.stream~closed-pipeline";
        StreamConsumerConfig config = config(Map.of("uri", "redis://127.0.0.1:" + server.port(), "stream", "{q}:in",
                "group", "workers", "output", "{q}:out", "pipeline", "orders", "block", "PT0.1S",
                "reconnectInterval", "PT0.05S"));
        StreamConsumerComponent c = new StreamConsumerComponent(context, config, Map.of("service.pid", pid), goflow);
        try {
            Pipeline<String, String> p = tagging("closed");
            ServiceReference<?> ref = register(p);
            assertEquals("running", status(pid));
            p.close(); // its service is still registered: the consumer stops reading, and must not say it runs
            Awaitility.await().atMost(WAIT).until(() -> !"running".equals(status(pid)));
            assertEquals("stopped: pipeline orders cannot run (closed; see the log)", status(pid));
            unregister(ref);
            assertEquals("waiting for pipeline orders", status(pid));
        } finally {
            c.deactivate();
        }
    }

    @Test
    void aRejectedUpdateLeavesTheConsumerRunningAndAValidOneRestartsItWithTheNewConfiguration() {
        String pid = "goflow.redis.stream~updated";
        Map<String, Object> values = new java.util.HashMap<>(Map.of("uri", "redis://127.0.0.1:" + server.port(),
                "stream", "{u}:in", "group", "workers", "output", "{u}:out", "pipeline", "orders", "block", "PT0.1S",
                "reconnectInterval", "PT0.05S"));
        StreamConsumerComponent c = new StreamConsumerComponent(context, config(values), Map.of("service.pid", pid),
                goflow);
        ServiceReference<?> ref = null;
        try {
            ref = register(tagging("updated"));
            assertEquals("running", status(pid));
            redis.xadd("{u}:in", StreamEntryID.NEW_ENTRY, Map.of("data", "a"));
            Awaitility.await().atMost(WAIT).until(() -> redis.xlen("{u}:out") == 1);

            Map<String, Object> bad = new java.util.HashMap<>(values);
            bad.put("block", "100ms");
            c.modified(config(bad), Map.of("service.pid", pid, "block", "100ms"));
            assertEquals("running", status(pid), "a rejected update leaves the consumer in effect");
            redis.xadd("{u}:in", StreamEntryID.NEW_ENTRY, Map.of("data", "b"));
            Awaitility.await().atMost(WAIT).until(() -> redis.xlen("{u}:out") == 2);

            Map<String, Object> moved = new java.util.HashMap<>(values);
            moved.put("output", "{u}:moved");
            c.modified(config(moved), Map.of("service.pid", pid));
            assertEquals("running", status(pid), "a valid update restarts it on the pipeline still there");
            redis.xadd("{u}:in", StreamEntryID.NEW_ENTRY, Map.of("data", "c"));
            Awaitility.await().atMost(WAIT).until(() -> redis.xlen("{u}:moved") == 1);
            assertEquals(2, redis.xlen("{u}:out"));

            c.modified(config(bad), Map.of("service.pid", pid, "block", "100ms"));
            assertEquals("running", status(pid));
        } finally {
            c.deactivate();
            if (ref != null) {
                unregister(ref);
            }
        }
        assertEquals(null, StreamConsumerComponent.ACTIVE.get(pid));
    }

    private static String status(String pid) {
        return (String) StreamConsumerComponent.ACTIVE.get(pid).row().get(5);
    }
}
