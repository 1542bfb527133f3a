package goflow.redis.streams.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Filter;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.util.tracker.ServiceTracker;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.pipeline.Pipeline;
import goflow.redis.streams.RedisStreamConsumer;
import goflow.redis.streams.RedisStreamConsumerBuilder;
import goflow.redis.streams.RedisStreamStats;

/**
 * One {@link RedisStreamConsumer} per factory configuration {@value StreamConsumerConfig#PID}. The
 * consumer starts when the pipeline service named by {@code pipeline} ({@code goflow.name}) is
 * present, and stops (letting what it holds finish, 10 s at most; the rest is claimed by the
 * group) when that service goes; meanwhile {@code goflow:redisstreams} shows it waiting. With two
 * pipeline services of that name it runs on one: the other going away does not stop it, and when
 * the one it runs on goes it starts again on the other. A
 * configuration change recreates it (it stops, then starts with the new configuration); an invalid
 * one is logged naming the property and creates nothing: an invalid update leaves the consumer in
 * effect as it was. The consumer opens its own connection with the connection properties of PID
 * {@code goflow.redis} ({@code uri}, {@code user}, {@code password}, {@code timeout},
 * {@code reconnectInterval}: same names, meaning, checks and defaults), and closes it when it
 * stops; the password is never logged or shown.
 *
 * <p>Thread-safe: the tracker's callbacks, modification and deactivation synchronize on this
 * component (a tracker is closed outside its monitor, as its callbacks take it).
 */
@Component(configurationPid = StreamConsumerConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = StreamConsumerConfig.class, factory = true)
public final class StreamConsumerComponent {
    private static final System.Logger LOG = System.getLogger(StreamConsumerComponent.class.getName());
    private static final String C = "redis-stream-consumer";
    /** The active components, by configuration PID, for the shell command. */
    static final Map<String, StreamConsumerComponent> ACTIVE = new ConcurrentHashMap<>();

    private final String pid;
    private final BundleContext context;
    private final GoFlow goflow;
    /** The configuration in effect (the last valid one, once there is one). Guarded by this. */
    private StreamConsumerConfig config;
    /** Follows the pipeline services of the configuration in effect; null while there is none. Guarded by this. */
    private ServiceTracker<Pipeline<?, ?>, Pipeline<?, ?>> tracker;
    /** The running consumer, or null while the pipeline is missing. Guarded by this. */
    private RedisStreamConsumer consumer;
    /** The pipeline service the consumer runs on, or null. Guarded by this. */
    private ServiceReference<?> runningOn;
    /** Set by deactivate: the pipelines going away then hand nothing over. Guarded by this. */
    private boolean deactivated;
    private String problem;

    /**
     * Checks the configuration and waits for the pipeline (the consumer connects when it starts).
     *
     * @param context this bundle's context
     * @param config the configuration
     * @param properties the raw properties (for the PID)
     * @param goflow this bundle's GoFlow, which lists the consumer (shell, JMX, /metrics, dashboard)
     */
    @Activate
    public StreamConsumerComponent(BundleContext context, StreamConsumerConfig config, Map<String, Object> properties,
            @Reference GoFlow goflow) {
        this.pid = String.valueOf(properties.get("service.pid"));
        this.context = context;
        this.goflow = goflow;
        this.config = config;
        ACTIVE.put(pid, this);
        ServiceTracker<Pipeline<?, ?>, Pipeline<?, ?>> t = track(config, properties);
        if (t != null) {
            t.open();
        }
    }

    /**
     * Applies a changed configuration: a valid one stops the consumer (what it holds gets 10 s) and
     * starts it again with the new configuration, as a new activation would; one that is rejected
     * is logged naming the property and leaves the consumer in effect, if any, as it was.
     *
     * @param changed the new configuration
     * @param properties its raw properties
     */
    @Modified
    public void modified(StreamConsumerConfig changed, Map<String, Object> properties) {
        ServiceTracker<Pipeline<?, ?>, Pipeline<?, ?>> old;
        synchronized (this) {
            if (tracker != null) {
                try {
                    check(changed, properties);
                } catch (InvalidConfigException e) {
                    rejected(e); // the consumer in effect goes on
                    return;
                }
            }
            old = tracker;
            tracker = null;
            deactivated = true; // the old tracker's pipelines going away hand nothing over
        }
        if (old != null) {
            old.close();
        }
        stopped();
        ServiceTracker<Pipeline<?, ?>, Pipeline<?, ?>> t;
        synchronized (this) {
            deactivated = false;
            config = changed;
            t = track(changed, properties);
        }
        if (t != null) {
            t.open();
        }
    }

    /**
     * Checks a configuration and makes the tracker of its pipeline (not opened), the tracker in
     * effect; or logs why it is rejected and returns null.
     */
    private synchronized ServiceTracker<Pipeline<?, ?>, Pipeline<?, ?>> track(StreamConsumerConfig c,
            Map<String, Object> properties) {
        ServiceTracker<Pipeline<?, ?>, Pipeline<?, ?>> t;
        try {
            check(c, properties);
            t = new ServiceTracker<>(context, filter(context, c.pipeline()), null) {
                @Override
                public Pipeline<?, ?> addingService(ServiceReference<Pipeline<?, ?>> ref) {
                    Pipeline<?, ?> p = super.addingService(ref);
                    if (p != null) {
                        started(ref, p);
                    }
                    return p;
                }

                @Override
                public void removedService(ServiceReference<Pipeline<?, ?>> ref, Pipeline<?, ?> p) {
                    stopped(ref, this);
                    super.removedService(ref, p);
                }
            };
        } catch (InvalidConfigException e) {
            rejected(e);
            return null;
        }
        tracker = t;
        problem = "waiting for pipeline " + c.pipeline();
        return t;
    }

    /** Checks every value of a configuration, naming the property of the first that is refused. */
    private static void check(StreamConsumerConfig c, Map<String, Object> properties) {
        checkTypes(c, properties);
        builder(c, p -> { }); // the builder checks every setting, naming it
    }

    private synchronized void rejected(InvalidConfigException e) {
        LOG.log(System.Logger.Level.ERROR, "goflow: configuration " + pid + " (factory " + StreamConsumerConfig.PID
                + ") rejected: property '" + e.field() + "' = " + e.value() + " " + e.rule());
        if (tracker == null) { // none in effect; else it goes on, and so does its status
            problem = "rejected: " + e.field() + " " + e.rule();
        }
    }

    /**
     * Reads every attribute once, so that a value DS could not convert ({@code batch = many}) is
     * rejected naming the property and the value, before anything is built; DS's own failure,
     * thrown when the attribute is read, names neither and fails the component's activation.
     * Values DS would convert to something else without a word are rejected too, as goflow.impl's
     * configured components reject them: a list or an array of other than one value for a single
     * value (DS takes the first), and for a whole number a number that an {@code int} does not
     * hold exactly, a boolean or a character (DS takes {@code intValue()}: 2^32 + 1 deliveries
     * would be 1, 2.5 would be 2, {@code true} 1).
     */
    static void checkTypes(StreamConsumerConfig config, Map<String, Object> properties) {
        for (Method m : StreamConsumerConfig.class.getDeclaredMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            Object raw = properties.entrySet().stream().filter(p -> p.getKey().equalsIgnoreCase(m.getName()))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
            Class<?> t = m.getReturnType();
            try {
                m.invoke(config);
            } catch (InvocationTargetException e) {
                throw new InvalidConfigException(C, m.getName(), "password".equals(m.getName()) ? "****" : raw,
                        t == int.class || t == long.class ? "must be a whole number" : "must be a " + t.getSimpleName(),
                        "the value could not be converted: " + e.getCause().getMessage());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
            if (raw == null) {
                continue;
            }
            List<Object> items = new java.util.ArrayList<>();
            if (raw instanceof java.util.Collection<?> c) {
                items.addAll(c);
            } else if (raw.getClass().isArray()) {
                for (int i = 0; i < java.lang.reflect.Array.getLength(raw); i++) {
                    items.add(java.lang.reflect.Array.get(raw, i));
                }
            } else {
                items.add(raw);
            }
            if (items.size() != 1) {
                throw new InvalidConfigException(C, m.getName(), "password".equals(m.getName()) ? "****" : items,
                        "must be a single value, not a list of " + items.size(), "");
            }
            Object value = items.get(0);
            if (t == int.class && !(value instanceof String) && !wholeInt(value)) {
                throw new InvalidConfigException(C, m.getName(), value, "must be a whole number",
                        "from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + "; DS would read it as another number");
            }
        }
    }

    /** Whether the value is a number that an int holds exactly (64, 64L, 64.0; not 2^32 + 1, 2.5, NaN, true). */
    private static boolean wholeInt(Object value) {
        if (!(value instanceof Number n)) {
            return false;
        }
        try {
            new java.math.BigDecimal(n.toString()).intValueExact();
            return true;
        } catch (NumberFormatException | ArithmeticException e) {
            return false;
        }
    }

    private static RedisStreamConsumerBuilder builder(StreamConsumerConfig config,
            java.util.function.Consumer<RedisStreamConsumerBuilder> pipeline) {
        RedisStreamConsumerBuilder b = RedisStreamConsumer.builder().uri(config.uri())
                .timeout(duration("timeout", config.timeout()))
                .reconnectInterval(duration("reconnectInterval", config.reconnectInterval()))
                .stream(config.stream()).group(config.group()).output(config.output()).field(config.field())
                .batch(config.batch()).block(duration("block", config.block()))
                .claimIdle(duration("claimIdle", config.claimIdle())).maxDeliveries(config.maxDeliveries())
                .maxInFlight(config.maxInFlight()).concurrency(config.concurrency());
        if (!config.user().isEmpty()) {
            b.user(config.user());
        }
        if (!config.password().isEmpty()) {
            b.password(config.password().toCharArray());
        }
        if (!config.consumer().isEmpty()) {
            b.consumer(config.consumer());
        }
        if (!config.deadLetter().isEmpty()) {
            b.deadLetter(config.deadLetter());
        }
        if (!config.name().isEmpty()) {
            b.name(config.name());
        }
        if (config.pipeline() == null || config.pipeline().isBlank()) {
            throw new InvalidConfigException(C, "pipeline", config.pipeline(), "is required",
                    "the goflow.name of a pipeline service");
        }
        pipeline.accept(b);
        return b;
    }

    private static Duration duration(String field, String value) {
        try {
            return Duration.parse(value.trim());
        } catch (DateTimeParseException | NullPointerException e) {
            throw new InvalidConfigException(C, field, value, "must be an ISO-8601 duration", "for example PT0.5S");
        }
    }

    private static Filter filter(BundleContext context, String pipeline) {
        try {
            return context.createFilter("(&(objectClass=" + Pipeline.class.getName() + ")(goflow.name="
                    + pipeline.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").replace("*", "\\*")
                    + "))");
        } catch (InvalidSyntaxException e) {
            throw new InvalidConfigException(C, "pipeline", pipeline, "must be a pipeline name", "");
        }
    }

    @SuppressWarnings("unchecked")
    private synchronized void started(ServiceReference<?> ref, Pipeline<?, ?> pipeline) {
        if (consumer != null || deactivated) {
            return; // one pipeline of that name at a time
        }
        try {
            RedisStreamConsumer c = builder(config, b -> b.pipeline((Pipeline<String, ?>) pipeline)
                    .name(primitiveName()).listIn(goflow)).build();
            try {
                c.start();
            } catch (RuntimeException e) {
                c.close(Duration.ZERO);
                throw e;
            }
            consumer = c;
            runningOn = ref;
            problem = null;
            LOG.log(System.Logger.Level.INFO, "goflow: " + pid + " consumes " + config.stream() + " as "
                    + c.consumer() + " of " + config.group() + " into pipeline " + config.pipeline());
        } catch (InvalidConfigException e) { // a refused login names the property, never the password
            problem = "cannot start: " + e.field() + " " + e.rule();
            LOG.log(System.Logger.Level.ERROR, "goflow: " + pid + " cannot start consuming " + config.stream()
                    + ": property '" + e.field() + "' = " + e.value() + " " + e.rule() + " (" + e.hint() + ")");
        } catch (RuntimeException e) {
            problem = "cannot start: " + e;
            LOG.log(System.Logger.Level.ERROR, "goflow: " + pid + " cannot start consuming " + config.stream(), e);
        }
    }

    /** The configured name, else the factory configuration's name, else the consumer name. */
    private String primitiveName() {
        if (!config.name().isEmpty()) {
            return config.name();
        }
        int tilde = pid.indexOf('~');
        if (tilde >= 0 && tilde < pid.length() - 1) {
            return pid.substring(tilde + 1);
        }
        return config.consumer().isEmpty() ? "redis-stream-" + Math.abs(pid.hashCode()) : config.consumer();
    }

    /**
     * A pipeline service of the name went away. Another one of that name (two bundles or
     * configurations giving one name) is left alone: if the consumer does not run on the one that
     * went, it goes on; if it does, it stops and starts again on one still there, if any.
     */
    private synchronized void stopped(ServiceReference<?> ref, ServiceTracker<Pipeline<?, ?>, Pipeline<?, ?>> tracked) {
        if (consumer != null && !ref.equals(runningOn)) {
            return;
        }
        stopped();
        ServiceReference<Pipeline<?, ?>>[] others = deactivated ? null : tracked.getServiceReferences();
        for (int i = 0; others != null && i < others.length && consumer == null; i++) {
            Pipeline<?, ?> other = tracked.getService(others[i]);
            if (other != null) {
                started(others[i], other);
            }
        }
    }

    private synchronized void stopped() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(10));
            consumer = null;
        }
        runningOn = null;
        problem = "waiting for pipeline " + config.pipeline();
    }

    /** Stops the consumer (what it holds gets 10 s; it closes its connection) and the tracker. */
    @Deactivate
    public void deactivate() {
        ACTIVE.remove(pid, this);
        ServiceTracker<Pipeline<?, ?>, Pipeline<?, ?>> t;
        synchronized (this) {
            deactivated = true;
            t = tracker;
        }
        if (t != null) {
            t.close();
        }
        stopped();
    }

    /** One row of {@code goflow:redisstreams}. */
    synchronized List<Object> row() {
        RedisStreamStats s = consumer == null ? null : consumer.stats();
        // a consumer whose pipeline was closed under it (its service still registered) stops reading: not running
        String status = problem != null ? problem : s != null && !s.running()
                ? "stopped: pipeline " + config.pipeline() + " cannot run (closed; see the log)" : "running";
        if (s == null) {
            return List.of(pid, config.stream(), config.group(), "-", config.pipeline(), status, "-", "-", "-", "-", "-",
                    "-", "-");
        }
        return List.of(pid, config.stream(), config.group(), consumer.consumer(), config.pipeline(), status, s.read(),
                s.acknowledged(), s.claimed(), s.failed(), s.deadLettered(), s.inFlight(), s.pending());
    }
}
