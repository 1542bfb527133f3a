package goflow.impl.osgi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.osgi.service.component.annotations.Component;

import goflow.api.Primitive;
import goflow.api.Registration;
import goflow.api.inspect.PrimitiveInfo;
import goflow.api.inspect.Registry;
import goflow.impl.internal.PrimitiveRegistry;

/**
 * The live registry of a whole framework: the union of the {@link PrimitiveRegistry registries}
 * of every bundle's {@code GoFlow} and of every configured primitive, each row with its owner.
 * Registered as the {@link Registry} service; the shell and JMX read it.
 *
 * <p>Pure Java (its annotations are build-time only), so it also works on a plain JVM.
 *
 * <p>Thread-safe: {@code registries} is a concurrent set; listeners are a copy-on-write list and
 * are told about primitives of every registry, including those listed before they were added; a
 * listener that fails is logged and does not keep the others from being told.
 */
@Component(service = {Registry.class, LiveRegistry.class})
public final class LiveRegistry implements Registry {
    private static final Comparator<PrimitiveInfo> ORDER = Comparator.comparing(PrimitiveInfo::kind)
            .thenComparing(PrimitiveInfo::name).thenComparing(PrimitiveInfo::owner);
    private static final System.Logger LOG = System.getLogger(LiveRegistry.class.getName());

    private final Set<PrimitiveRegistry> registries = ConcurrentHashMap.newKeySet();
    /** The names of the configured primitives (shared by every configuration component). */
    private final ConfiguredNames configuredNames = new ConfiguredNames();
    private final List<PrimitiveRegistry.Listener> listeners = new CopyOnWriteArrayList<>();
    /**
     * Forwards each member registry's events to {@code listeners}, each told even if one before it
     * fails: a failure (an exception, or an Error other than a VirtualMachineError, e.g. a
     * NoClassDefFoundError of a listener's bundle being refreshed) is logged as a WARNING, and
     * reaches neither the other listeners nor the thread that lists or closes the primitive.
     */
    private final PrimitiveRegistry.Listener forwarder = new PrimitiveRegistry.Listener() {
        @Override
        public void added(Primitive primitive, String owner) {
            for (PrimitiveRegistry.Listener l : listeners) {
                try {
                    l.added(primitive, owner);
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (RuntimeException | Error e) {
                    failed(l, "added", primitive, owner, e);
                }
            }
        }

        @Override
        public void removed(Primitive primitive, String owner) {
            for (PrimitiveRegistry.Listener l : listeners) {
                try {
                    l.removed(primitive, owner);
                } catch (VirtualMachineError e) {
                    throw e;
                } catch (RuntimeException | Error e) {
                    failed(l, "removed", primitive, owner, e);
                }
            }
        }
    };

    /** Creates an empty registry. */
    public LiveRegistry() {
        // members are added by the GoFlow service factory and the configuration components
    }

    /**
     * Adds a member registry; its primitives are listed (and reported to listeners) from now on.
     *
     * @param registry the registry of one {@code GoFlow}
     * @return removes the member again (call it after closing the member's primitives)
     */
    public Registration add(PrimitiveRegistry registry) {
        registries.add(registry);
        Registration forwarding = registry.addListener(forwarder);
        return () -> {
            forwarding.close();
            registries.remove(registry);
        };
    }

    /**
     * Returns the names held by configured primitives, framework-wide.
     *
     * @return the table every configuration component claims its names in
     */
    ConfiguredNames configuredNames() {
        return configuredNames;
    }

    /**
     * Adds a listener and tells it about every primitive listed now, of every member (also of two
     * members with the same owner and a primitive of the same name). As
     * {@link PrimitiveRegistry#addListener}: a primitive closed while it is being reported is
     * reported removed after it was reported added; if the listener throws meanwhile, it is removed
     * again and the throwable propagates.
     *
     * @param listener called when a primitive of any member registry is listed or removed
     * @return removes the listener
     */
    public Registration addListener(PrimitiveRegistry.Listener listener) {
        listeners.add(listener);
        try {
            for (PrimitiveRegistry r : registries) {
                PrimitiveRegistry.tellListed(r, listener);
            }
        } catch (RuntimeException | Error e) {
            listeners.remove(listener);
            throw e;
        }
        return () -> listeners.remove(listener);
    }

    @Override
    public List<Primitive> primitives() {
        List<Primitive> all = new ArrayList<>();
        for (PrimitiveRegistry r : registries) {
            all.addAll(r.primitives());
        }
        all.sort(Comparator.comparing(Primitive::kind).thenComparing(Primitive::name));
        return List.copyOf(all);
    }

    @Override
    public List<PrimitiveInfo> snapshot() {
        List<PrimitiveInfo> rows = new ArrayList<>();
        for (PrimitiveRegistry r : registries) {
            rows.addAll(r.snapshot());
        }
        rows.sort(ORDER);
        return List.copyOf(rows);
    }

    /**
     * Finds a primitive by name; when bundles use the same name, the one whose owner sorts first.
     */
    @Override
    public Optional<Primitive> find(String name) {
        return registries.stream().sorted(Comparator.comparing(PrimitiveRegistry::owner))
                .map(r -> r.find(name)).flatMap(Optional::stream).findFirst();
    }

    @Override
    public <T extends Primitive> Optional<T> find(String name, Class<T> type) {
        return registries.stream().sorted(Comparator.comparing(PrimitiveRegistry::owner))
                .map(r -> r.find(name, type)).flatMap(Optional::stream).findFirst();
    }

    /** Finds the primitive of the row's owner (of the first member of that owner that has it). */
    @Override
    public Optional<Primitive> find(PrimitiveInfo row) {
        Objects.requireNonNull(row, "row");
        return registries.stream().map(r -> r.find(row)).flatMap(Optional::stream).findFirst();
    }

    private static void failed(PrimitiveRegistry.Listener l, String event, Primitive p, String owner, Throwable e) {
        LOG.log(System.Logger.Level.WARNING, "live registry listener " + l + " failed when told " + p.kind().label()
                + " '" + p.name() + "' of " + owner + " was " + event + "; the other listeners are told", e);
    }

    @Override
    public String toString() {
        return "LiveRegistry[members=" + registries.size() + "]";
    }
}
