package goflow.micrometer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import goflow.api.Primitive;
import goflow.api.inspect.PrimitiveInfo;
import goflow.api.inspect.Registry;
import goflow.api.pool.WorkerPool;
import goflow.metrics.Metric;
import goflow.metrics.MetricCatalog;
import goflow.metrics.Samples;

/**
 * Binds goflow primitives to a Micrometer {@link MeterRegistry}: every figure of a primitive's
 * {@code stats().toMap()} becomes a {@link FunctionCounter} (counters), a {@link TimeGauge}
 * (durations, in seconds) or a {@link Gauge}, read from a fresh snapshot whenever the registry
 * publishes. A text figure (a pool's {@code state}, an adaptive limiter's {@code algorithm}) is, as
 * in the exposition, a gauge of 1 tagged with the text under the figure's name: a pool's
 * {@code state} has one gauge per {@link WorkerPool.State} (1 for the state it is in, 0 for the
 * others); any other text figure has one gauge tagged with its text at bind time, which reads 0
 * should the text ever change. Names are {@link Metric#micrometerName()} of the {@link MetricCatalog} family (a
 * Prometheus registry writes them back as goflow.web's {@code /metrics} names); tags
 * {@code name}, {@code kind}, {@code owner}, and {@code stage} for a pipeline stage's figures.
 *
 * <pre>{@code
 * // Spring Boot binds every MeterBinder bean to the application's registry: return this from a bean method
 * MeterBinder goflowMetrics = GoFlowMetrics.of(goflow.registry());
 * // or one primitive
 * GoFlowMetrics.of(pool).bindTo(meterRegistry);
 * }</pre>
 *
 * <p>A binder over a registry binds the primitives live at {@link #bindTo(MeterRegistry)};
 * {@link #refresh()} binds those created since and removes the meters of those closed since. A
 * primitive whose figures cannot be read ({@code stats()} or {@code toMap()} throws) is logged and left unbound, the
 * others bound as usual; the next bind or refresh tries it again. So is a primitive one of whose
 * meters Micrometer refuses (it throws), in every meter registry, without a meter of it left
 * behind. The meters of a primitive whose figures throw when the registry publishes read NaN (the
 * other meters are published as usual). A binder bound to several meter registries keeps them
 * alike: binding one more also refreshes the others.
 *
 * <p>Thread-safe: {@code bindTo} and {@code refresh} synchronize on this binder, which guards
 * {@code bound}; the meters' functions read the primitives, which are thread-safe.
 */
public final class GoFlowMetrics implements MeterBinder {
    private static final String APPLICATION = "application";
    private static final System.Logger LOG = System.getLogger(GoFlowMetrics.class.getName());
    /**
     * The one figure of a registry row whose primitive's {@code stats()} threw
     * ({@link Registry#snapshot()}).
     */
    private static final String STATS_ERROR = "statsError";
    /** What {@link #read} returns for a figure that cannot be read now. */
    private static final Object UNREADABLE = new Object();

    private final Supplier<List<Live>> source;
    /** Guarded by this: the meter registries bound to. */
    private final List<MeterRegistry> registries = new ArrayList<>();
    /** Guarded by this: each bound primitive's meters, per meter registry. */
    private final Map<Primitive, List<Meter>> bound = new IdentityHashMap<>();
    /**
     * Guarded by this: the live primitives whose figures could not be read at the last try, so
     * that each is logged once, not at every refresh; removed when read or closed.
     */
    private final Set<Primitive> unreadable = Collections.newSetFromMap(new IdentityHashMap<>());
    /**
     * Guarded by this: the live primitives whose meters a meter registry refused at the last try,
     * so that each is logged once; removed when bound or closed.
     */
    private final Set<Primitive> refused = Collections.newSetFromMap(new IdentityHashMap<>());

    /** A live primitive and its registry row. */
    private record Live(Primitive primitive, PrimitiveInfo row) { }

    private GoFlowMetrics(Supplier<List<Live>> source) {
        this.source = source;
    }

    /**
     * A binder of every primitive of a goflow registry (owner tag: the row's owner).
     *
     * @param registry e.g. {@code goflow.registry()}, or the OSGi {@code Registry} service
     * @return the binder
     */
    public static GoFlowMetrics of(Registry registry) {
        Objects.requireNonNull(registry, "registry");
        return new GoFlowMetrics(() -> {
            List<Live> live = new ArrayList<>();
            for (PrimitiveInfo row : registry.snapshot()) {
                registry.find(row).ifPresent(p -> live.add(new Live(p, row)));
            }
            return live;
        });
    }

    /**
     * A binder of one primitive, with the owner tag {@code application}.
     *
     * @param primitive the primitive
     * @return the binder
     */
    public static GoFlowMetrics of(Primitive primitive) {
        Objects.requireNonNull(primitive, "primitive");
        return new GoFlowMetrics(() -> List.of(new Live(primitive,
                new PrimitiveInfo(primitive.name(), primitive.kind(), APPLICATION, primitive.stats()))));
    }

    @Override
    public synchronized void bindTo(MeterRegistry meters) {
        Objects.requireNonNull(meters, "meters");
        if (registries.contains(meters)) {
            return; // bound already
        }
        Map<Primitive, PrimitiveInfo> now = live();
        for (Map.Entry<Primitive, PrimitiveInfo> e : now.entrySet()) {
            List<Meter> known = bound.get(e.getKey());
            Map<String, Object> figures = known == null ? null : figures(e.getKey(), e.getValue());
            if (figures != null && !bind(e.getKey(), e.getValue(), figures, List.of(meters), known)) {
                bound.remove(e.getKey()); // was bound to the other registries: now unbound everywhere
            }
        }
        registries.add(meters);
        update(now); // the others: those created since are bound everywhere, those closed since removed
    }

    /**
     * Binds the primitives created since the last bind or refresh and removes the meters of those
     * closed since, in every meter registry this binder was bound to.
     */
    public synchronized void refresh() {
        update(live());
    }

    private Map<Primitive, PrimitiveInfo> live() {
        Map<Primitive, PrimitiveInfo> now = new IdentityHashMap<>();
        for (Live l : source.get()) {
            now.put(l.primitive(), l.row());
        }
        return now;
    }

    /** Removes the meters of the primitives not in {@code now}, then binds those not bound yet (guarded by this). */
    private void update(Map<Primitive, PrimitiveInfo> now) {
        for (Primitive gone : new ArrayList<>(bound.keySet())) {
            if (!now.containsKey(gone)) {
                for (Meter m : bound.remove(gone)) {
                    registries.forEach(r -> r.remove(m));
                }
            }
        }
        unreadable.retainAll(now.keySet());
        refused.retainAll(now.keySet());
        for (Map.Entry<Primitive, PrimitiveInfo> e : now.entrySet()) {
            Map<String, Object> figures = bound.containsKey(e.getKey()) ? null : figures(e.getKey(), e.getValue());
            List<Meter> meters = new ArrayList<>();
            if (figures != null && bind(e.getKey(), e.getValue(), figures, registries, meters)) {
                bound.put(e.getKey(), meters);
            }
        }
    }

    /**
     * Registers a primitive's meters in the meter registries {@code to}, adding them to {@code out}
     * (which may hold its meters in {@link #registries} already); when Micrometer refuses one (it
     * throws: e.g. a meter of another type with the same name and tags, as a plugin's figure
     * {@code average_duration} beside its {@code averageDuration}), removes the primitive's meters
     * (each from the registry it is in, never a registry's own meter of that id) and returns false:
     * the primitive is left unbound, logged (once until it can be bound), and the others are bound
     * as usual. Guarded by this.
     */
    private boolean bind(Primitive p, PrimitiveInfo row, Map<String, Object> figures, List<MeterRegistry> to,
            List<Meter> out) {
        Map<MeterRegistry, List<Meter>> added = new IdentityHashMap<>();
        try {
            for (MeterRegistry r : to) {
                register(p, row, figures, r, added.computeIfAbsent(r, x -> new ArrayList<>()));
            }
            added.values().forEach(out::addAll);
            refused.remove(p);
            return true;
        } catch (RuntimeException e) {
            added.forEach((r, meters) -> meters.forEach(r::remove));
            for (Meter m : out) { // bound earlier, in every registry of registries
                registries.forEach(r -> r.remove(m));
            }
            out.clear();
            if (refused.add(p)) {
                LOG.log(System.Logger.Level.WARNING, "goflow: a meter of " + row.kind().label() + " '" + row.name()
                        + "' (owner " + row.owner() + ") was refused; it has no meters until they can be registered"
                        + " (said once)", e);
            }
            return false;
        }
    }

    /**
     * The figures of a row, or null when they cannot be read (its {@code toMap()} throws, e.g. a
     * plugin's {@code Stats} that is not a record, or the row is the registry's {@code statsError}
     * of a primitive whose {@code stats()} threw): logged (once until they can be read again), and
     * the primitive is left unbound (the next bind or refresh tries again), as {@link Samples}
     * leaves it out of the exposition. Guarded by this.
     */
    private Map<String, Object> figures(Primitive p, PrimitiveInfo row) {
        try {
            Map<String, Object> figures = row.stats().toMap();
            if (figures.size() == 1 && figures.get(STATS_ERROR) instanceof String error) {
                // the registry's row of a primitive whose stats() threw: its figures are not these
                throw new IllegalStateException("its stats() failed: " + error);
            }
            unreadable.remove(p);
            return figures;
        } catch (RuntimeException | Error e) { // one primitive's figures must not take the others' meters down
            if (unreadable.add(p)) {
                LOG.log(System.Logger.Level.WARNING, "goflow: the figures of " + row.kind().label() + " '"
                        + row.name() + "' (owner " + row.owner() + ") cannot be read; it has no meters until they can"
                        + " (said once)", e);
            }
            return null;
        }
    }

    /** Registers the meters of a primitive's figures in {@code meters}, adding each to {@code out} as it goes. */
    private static void register(Primitive p, PrimitiveInfo row, Map<String, Object> figures, MeterRegistry meters,
            List<Meter> out) {
        String prefix = MetricCatalog.prefix(row.kind());
        for (Map.Entry<String, Object> e : figures.entrySet()) {
            String key = e.getKey();
            Samples.Figure f = Samples.Figure.of(prefix, key);
            Tags tags = Tags.of(Samples.NAME, row.name(), Samples.KIND, row.kind().label(), Samples.OWNER, row.owner());
            if (f.stage() != null) {
                tags = tags.and(MetricCatalog.STAGE_LABEL, f.stage());
            }
            String figure = f.name();
            Metric metric = f.metric();
            if (e.getValue() instanceof String text) {
                // as in the exposition: 1, with the text as a tag named after the figure (figure_name for 'name')
                List<String> values = p instanceof WorkerPool && key.equals("state")
                        ? Arrays.stream(WorkerPool.State.values()).map(Enum::name).toList()
                        : List.of(text);
                for (String v : values) {
                    out.add(Gauge.builder(metric.micrometerName(), p, x -> text(x, key, v))
                            .tags(tags.and(Samples.textLabel(figure), v)).description(metric.help()).strongReference(true)
                            .register(meters));
                }
                continue;
            }
            if (!Samples.isNumber(e.getValue())) {
                continue;
            }
            if (metric.type() == Metric.Type.COUNTER) {
                out.add(FunctionCounter.builder(metric.micrometerName(), p, x -> number(x, key)).tags(tags)
                        .description(metric.help()).baseUnit(metric.unit().isEmpty() ? null : metric.unit())
                        .register(meters));
            } else if (metric.unit().equals("seconds")) {
                out.add(TimeGauge.builder(metric.micrometerName(), p, TimeUnit.SECONDS, x -> number(x, key)).tags(tags)
                        .description(metric.help()).strongReference(true).register(meters));
            } else {
                out.add(Gauge.builder(metric.micrometerName(), p, x -> number(x, key)).tags(tags)
                        .description(metric.help()).baseUnit(metric.unit().isEmpty() ? null : metric.unit())
                        .strongReference(true).register(meters));
            }
        }
    }

    /**
     * Reads one figure when the registry publishes, or {@link #UNREADABLE}: a primitive whose
     * figures throw now (an exception or an Error) must not take the publication of every other
     * meter down (Micrometer lets a function counter's exception through to the scrape); its meters
     * read NaN, as Micrometer gives for a gauge that throws.
     */
    private static Object read(Primitive p, String key) {
        try {
            Object value = p.stats().toMap().get(key);
            return value instanceof String ? value : Samples.number(value); // a plugin's number read here
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "goflow: the figure " + key + " of " + p.kind().label() + " '"
                    + p.name() + "' cannot be read; it reads NaN", e);
            return UNREADABLE;
        }
    }

    private static double number(Primitive p, String key) {
        Number n = read(p, key) instanceof Number v ? v : null; // null for UNREADABLE
        return n == null ? Double.NaN : n.doubleValue();
    }

    private static double text(Primitive p, String key, String text) {
        Object now = read(p, key);
        return now == UNREADABLE ? Double.NaN : text.equals(now) ? 1 : 0;
    }
}
