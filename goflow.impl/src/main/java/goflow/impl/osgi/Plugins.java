package goflow.impl.osgi;

import java.lang.reflect.Array;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

import goflow.api.GoFlowException;
import goflow.api.Registration;
import goflow.api.pipeline.Stage;
import goflow.api.pipeline.StageFunction;
import goflow.api.pipeline.StageRegistry;
import goflow.api.stream.StreamSource;
import goflow.api.stream.StreamSources;
import goflow.impl.pipeline.StageRegistryImpl;
import goflow.impl.stream.SourceCounters;
import goflow.impl.stream.SourceRegistry;

/**
 * Binds the plugin services, {@link Stage}s with {@value Stage#NAME_PROPERTY} and
 * {@link StreamSource}s with {@value StreamSource#NAME_PROPERTY}, into the stage registry and
 * stream sources of every attached {@code GoFlow} (each consumer bundle's and each configured
 * pipeline's), as they come and go. When several services use one name, the first bound serves
 * until it goes away, then the next (a stage takes over in one step where the target is goflow's
 * own registry: a pipeline's late-bound reference never finds the name missing in between). A
 * service whose name property changes while it is bound moves to the new name (as if it went away
 * and came back). A stage plugin whose {@code name()} throws (even an {@code Error} other than the JVM's own) is not registered into a target, with a WARNING; the
 * other plugins and the attaching {@code GoFlow} are not affected. A name property that is an
 * array or collection of one name gives that name; one of several names (or none) is refused with
 * a WARNING and the plugin is not bound.
 *
 * <p>The statistics of a plugin source are kept here, per name, for the whole framework: every
 * attached {@code GoFlow} counts the cursors it opens on the source into the same
 * {@link SourceCounters}, so its figures are one per name, the same in every {@code GoFlow}, and
 * continue when the plugin is updated (its service replaced by one of the same name).
 *
 * <p>Thread-safe: every field is guarded by {@code this}; registrations into the targets are made
 * under that lock, so a target sees bind and unbind in order.
 */
@Component(service = Plugins.class)
public final class Plugins {
    private static final System.Logger LOG = System.getLogger(Plugins.class.getName());

    /** Guarded by this: bound services per name, in bind order; the head serves. */
    private final Map<String, Deque<Stage<?, ?>>> stages = new HashMap<>();
    private final Map<String, Deque<StreamSource<?>>> sources = new HashMap<>();
    /** Guarded by this: the framework-wide statistics of each source name ever bound; never removed. */
    private final Map<String, SourceCounters> sourceCounters = new HashMap<>();
    /** Guarded by this: attached targets and, per target, the registration of each name. */
    private final Map<Target, Map<String, Registration>> targets = new IdentityHashMap<>();

    /** Creates an empty tracker (DS binds the services). */
    public Plugins() {
        // services are bound through the methods below
    }

    /** Where plugins are registered: one {@code GoFlow}'s stage registry and stream sources. */
    private static final class Target {
        final StageRegistry stages;
        final StreamSources sources;

        Target(StageRegistry stages, StreamSources sources) {
            this.stages = stages;
            this.sources = sources;
        }
    }

    /**
     * Registers every current and future plugin into one {@code GoFlow}'s registries.
     *
     * @param stageRegistry the {@code GoFlow}'s stages
     * @param streamSources the {@code GoFlow}'s stream sources
     * @return detaches again (the registrations made are removed)
     */
    public synchronized Registration attach(StageRegistry stageRegistry, StreamSources streamSources) {
        Target t = new Target(stageRegistry, streamSources);
        targets.put(t, new HashMap<>());
        for (Map.Entry<String, Deque<Stage<?, ?>>> e : stages.entrySet()) {
            registerStage(t, e.getKey(), e.getValue().peekFirst());
        }
        for (Map.Entry<String, Deque<StreamSource<?>>> e : sources.entrySet()) {
            registerSource(t, e.getKey(), e.getValue().peekFirst());
        }
        return () -> detach(t);
    }

    private synchronized void detach(Target t) {
        Map<String, Registration> regs = targets.remove(t);
        if (regs != null) {
            regs.values().forEach(Registration::close);
        }
    }

    /**
     * Binds a stage plugin.
     *
     * @param stage the stage
     * @param properties its service properties
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(" + Stage.NAME_PROPERTY + "=*)", unbind = "unbindStage", updated = "updatedStage")
    public synchronized void bindStage(Stage<?, ?> stage, Map<String, Object> properties) {
        String name = pluginName(properties, Stage.NAME_PROPERTY, "stage", true);
        if (name == null) {
            return;
        }
        Deque<Stage<?, ?>> bound = stages.computeIfAbsent(name, n -> new ArrayDeque<>());
        bound.addLast(stage);
        if (bound.size() == 1) {
            targets.keySet().forEach(t -> registerStage(t, name, stage));
        }
    }

    /**
     * Unbinds a stage plugin; the next one of the same name, if any, takes over.
     *
     * @param stage the stage
     * @param properties its service properties
     */
    public synchronized void unbindStage(Stage<?, ?> stage, Map<String, Object> properties) {
        String name = boundName(stages, stage, pluginName(properties, Stage.NAME_PROPERTY, "stage", false));
        if (name == null) {
            return;
        }
        Deque<Stage<?, ?>> bound = stages.get(name);
        boolean serving = bound.peekFirst() == stage;
        bound.remove(stage);
        if (serving) {
            if (bound.isEmpty()) {
                targets.values().forEach(regs -> close(regs, "stage:" + name));
                stages.remove(name);
            } else {
                // the next takes over in one step where it can: no moment where a pipeline's
                // late-bound reference finds no stage of this name
                targets.keySet().forEach(t -> takeOver(t, name, bound.peekFirst()));
            }
        }
    }

    /**
     * Binds a stream source plugin.
     *
     * @param source the source
     * @param properties its service properties
     */
    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            target = "(" + StreamSource.NAME_PROPERTY + "=*)", unbind = "unbindSource", updated = "updatedSource")
    public synchronized void bindSource(StreamSource<?> source, Map<String, Object> properties) {
        String name = pluginName(properties, StreamSource.NAME_PROPERTY, "stream source", true);
        if (name == null) {
            return;
        }
        Deque<StreamSource<?>> bound = sources.computeIfAbsent(name, n -> new ArrayDeque<>());
        bound.addLast(source);
        if (bound.size() == 1) {
            targets.keySet().forEach(t -> registerSource(t, name, source));
        }
    }

    /**
     * Unbinds a stream source plugin; the next one of the same name, if any, takes over.
     *
     * @param source the source
     * @param properties its service properties
     */
    public synchronized void unbindSource(StreamSource<?> source, Map<String, Object> properties) {
        String name = boundName(sources, source,
                pluginName(properties, StreamSource.NAME_PROPERTY, "stream source", false));
        if (name == null) {
            return;
        }
        Deque<StreamSource<?>> bound = sources.get(name);
        boolean serving = bound.peekFirst() == source;
        bound.remove(source);
        if (serving) {
            targets.values().forEach(regs -> close(regs, "source:" + name));
            if (bound.isEmpty()) {
                sources.remove(name);
            } else {
                targets.keySet().forEach(t -> registerSource(t, name, bound.peekFirst()));
            }
        }
    }

    /**
     * A stage plugin's service properties changed: if its name changed, it is unbound under the
     * old name (the next one of that name, if any, takes over) and bound under the new one.
     *
     * @param stage the stage
     * @param properties its new service properties
     */
    public synchronized void updatedStage(Stage<?, ?> stage, Map<String, Object> properties) {
        String was = boundName(stages, stage, null);
        if (was == null || !was.equals(oneName(properties.get(Stage.NAME_PROPERTY)))) {
            unbindStage(stage, Map.of());
            bindStage(stage, properties);
        }
    }

    /**
     * A stream source plugin's service properties changed: if its name changed, it is unbound
     * under the old name (the next one of that name, if any, takes over) and bound under the new one.
     *
     * @param source the source
     * @param properties its new service properties
     */
    public synchronized void updatedSource(StreamSource<?> source, Map<String, Object> properties) {
        String was = boundName(sources, source, null);
        if (was == null || !was.equals(oneName(properties.get(StreamSource.NAME_PROPERTY)))) {
            unbindSource(source, Map.of());
            bindSource(source, properties);
        }
    }

    /**
     * Returns the name a plugin is bound under: {@code named} (the name its properties give now)
     * if it is bound under that, else the name it was bound under before its properties changed;
     * null if it is not bound. DS passes unbind the properties the service has then, whose name
     * may differ from the one it was bound under (or be gone: the service no longer matches the
     * reference's target).
     */
    private static <T> String boundName(Map<String, Deque<T>> bound, T plugin, String named) {
        if (named != null && bound.containsKey(named) && bound.get(named).contains(plugin)) {
            return named;
        }
        for (Map.Entry<String, Deque<T>> e : bound.entrySet()) {
            if (e.getValue().contains(plugin)) {
                return e.getKey();
            }
        }
        return null;
    }

    /**
     * Returns the names of the bound stage plugins.
     *
     * @return a snapshot
     */
    public synchronized List<String> stageNames() {
        return new ArrayList<>(stages.keySet());
    }

    private void registerStage(Target t, String name, Stage<?, ?> stage) {
        registerStage(t, name, stage, null);
    }

    /** Registers {@code stage} in place of the stage of its name registered so far, in one step if that can be. */
    private void takeOver(Target t, String name, Stage<?, ?> stage) {
        Registration old = targets.get(t).get("stage:" + name);
        if (old instanceof StageRegistryImpl.Handle h) {
            registerStage(t, name, stage, h);
        } else {
            close(targets.get(t), "stage:" + name);
            registerStage(t, name, stage);
        }
    }

    /**
     * Registers {@code stage} under {@code name} into {@code t}: handed over from {@code old} if
     * given; {@code old} is closed whatever happens.
     */
    private void registerStage(Target t, String name, Stage<?, ?> stage, StageRegistryImpl.Handle old) {
        boolean registered = false;
        try {
            Stage<?, ?> named = name.equals(stage.name()) ? stage : renamed(name, stage);
            targets.get(t).put("stage:" + name, old != null ? old.handOver(named) : t.stages.register(named));
            registered = true;
        } catch (GoFlowException e) {
            LOG.log(System.Logger.Level.WARNING, "stage plugin '" + name + "' not registered: " + e.getMessage());
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            // the plugin's own name() (e.g. a NoClassDefFoundError while its bundle is refreshed): it must
            // not fail the attach of a consumer's GoFlow, nor the registration of the other plugins
            LOG.log(System.Logger.Level.WARNING, "stage plugin '" + name + "' not registered: its name() failed: "
                    + e, e);
        } finally {
            if (!registered && old != null) {
                close(targets.get(t), "stage:" + name); // the stage that went away serves no more
            }
        }
    }

    private void registerSource(Target t, String name, StreamSource<?> source) {
        try {
            Registration r = t.sources instanceof SourceRegistry registry
                    ? registry.register(name, source, sourceCounters.computeIfAbsent(name, SourceCounters::new))
                    : t.sources.register(name, source);
            targets.get(t).put("source:" + name, r);
        } catch (GoFlowException e) {
            LOG.log(System.Logger.Level.WARNING, "stream source plugin '" + name + "' not registered: " + e.getMessage());
        }
    }

    /**
     * Returns the one name a plugin's name property gives (a string, or an array or collection of
     * one element), or null, with a WARNING when {@code warn}, if it gives none or several.
     */
    private static String pluginName(Map<String, Object> properties, String key, String what, boolean warn) {
        Object value = properties.get(key);
        String name = oneName(value);
        if (name == null && warn) {
            LOG.log(System.Logger.Level.WARNING, what + " plugin not bound: its " + key + " must be one name, not "
                    + items(value));
        }
        return name;
    }

    /**
     * The one name a service's name property gives: a string, or an array or collection of one
     * element (as a list-typed configuration property gives it); null for none or several.
     *
     * @param value the property's value, or null
     * @return the name, or null
     */
    static String oneName(Object value) {
        List<Object> items = items(value);
        if (items.size() == 1 && items.get(0) != null) {
            return String.valueOf(items.get(0));
        }
        return null;
    }

    private static List<Object> items(Object value) {
        List<Object> items = new ArrayList<>();
        if (value instanceof Collection) {
            items.addAll((Collection<?>) value);
        } else if (value != null && value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                items.add(Array.get(value, i));
            }
        } else if (value != null) {
            items.add(value);
        }
        return items;
    }

    @SuppressWarnings("unchecked")
    private static Stage<?, ?> renamed(String name, Stage<?, ?> stage) {
        Stage<Object, Object> s = (Stage<Object, Object>) stage;
        return Stage.of(name, (StageFunction<Object, Object>) s::process);
    }

    private static void close(Map<String, Registration> regs, String key) {
        Registration r = regs.remove(key);
        if (r != null) {
            r.close();
        }
    }
}
