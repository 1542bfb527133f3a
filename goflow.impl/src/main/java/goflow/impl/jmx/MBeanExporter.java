package goflow.impl.jmx;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import goflow.api.Primitive;
import goflow.impl.internal.PrimitiveRegistry;

/**
 * Registers a {@link PrimitiveMBean} for each primitive a registry lists, and unregisters it when
 * the primitive is closed. Object names are {@code goflow:type=<kind label>,name=<name>}; when two
 * owners (bundles) use the same name, the later one gets an extra {@code owner} key, and when that
 * name is taken too (two registries with the same owner: two {@code GoFlow.load()} instances, two
 * versions of a bundle), also an {@code instance} key, from 2 on.
 *
 * <p>When a primitive's MBean is unregistered, the name it frees goes to the primitive of the same
 * kind, name and owner that waits under the next name in that order (its MBean is registered
 * under the freed name, then the one under its old name unregistered). So a primitive re-created
 * under its name while the old one's MBean is still being unregistered (the registry frees the
 * name before it tells the exporter) ends under the old one's name, and keeps it. A primitive of
 * another owner keeps its {@code owner} key: its name never changes because of another owner.
 *
 * <p>Thread-safe: the primitives exported under one plain name (kind and name) are a {@link Slot},
 * changed and registered only under the slot's monitor, so the events of one name are applied one
 * at a time and in order; primitives of different names never wait for each other.
 */
/*
 * Locking: a slot's monitor is held while the MBean server registers and unregisters (which calls
 * getMBeanInfo, i.e. the primitive's stats()), never while calling the registry. The registry calls
 * listeners without holding a lock, and no primitive activates or releases its registry entry
 * while holding a lock its stats() takes, so there is no cycle. The monitor is reentrant: a
 * primitive closed by the thread registering it (while the operations are looked up, or from a
 * listener of the MBean server) is removed while its holder is BUSY; the removal marks it
 * CANCELLED and the registering code unregisters what it registered.
 *
 * A slot leaves the map when its last holder does (at the outermost exit of its monitor); it is
 * then RETIRED, and a thread that fetched it before retries with a fresh one.
 *
 * unregisterAll sets STOPPED before it visits the slots: a registration that started before sees it
 * when it holds the monitor (unregisterAll then waits for that monitor and unregisters it), one that
 * starts after registers nothing.
 */
public final class MBeanExporter implements PrimitiveRegistry.Listener {
    /** The JMX domain of every goflow MBean. */
    public static final String DOMAIN = "goflow";
    private static final System.Logger LOG = System.getLogger(MBeanExporter.class.getName());

    private final MBeanServer server;
    private final Function<Primitive, Operations> operations;
    /** The exported primitives by plain object name; a slot is present while it holds one. */
    private final Map<ObjectName, Slot> slots = new ConcurrentHashMap<>();
    /** Set once by {@link #unregisterAll()}: nothing is registered afterwards. */
    private volatile boolean stopped;

    /**
     * Creates an exporter.
     *
     * @param server where to register the MBeans
     * @param operations the live-change operations for a primitive
     */
    public MBeanExporter(MBeanServer server, Function<Primitive, Operations> operations) {
        this.server = server;
        this.operations = operations;
    }

    /**
     * Creates an exporter into the platform MBean server with the standard operations.
     *
     * @return the exporter
     */
    public static MBeanExporter platform() {
        return new MBeanExporter(ManagementFactory.getPlatformMBeanServer(), StandardOperations::of);
    }

    /**
     * Returns the object name for a primitive.
     *
     * @param kind the primitive's kind
     * @param name its name
     * @return {@code goflow:type=<kind label>,name=<name>}
     */
    public static ObjectName objectName(Primitive.Kind kind, String name) {
        try {
            return new ObjectName(DOMAIN + ":type=" + kind.label() + ",name=" + name);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("not usable in a JMX object name: " + name, e);
        }
    }

    @Override
    public void added(Primitive primitive, String owner) {
        ObjectName base = objectName(primitive.kind(), primitive.name());
        inSlot(base, slot -> slot.add(primitive, owner));
    }

    @Override
    public void removed(Primitive primitive, String owner) {
        ObjectName base;
        try {
            base = objectName(primitive.kind(), primitive.name());
        } catch (IllegalArgumentException e) {
            return; // never exported
        }
        inSlot(base, slot -> slot.remove(primitive));
    }

    /**
     * Unregisters every MBean this exporter registered, and stops exporting: a primitive reported
     * afterwards (by a registry call already under way when the exporter was removed as a listener)
     * is not registered.
     */
    public void unregisterAll() {
        stopped = true;
        for (ObjectName base : slots.keySet()) {
            inSlot(base, Slot::clear);
        }
    }

    /** Runs {@code action} holding the monitor of the slot of {@code base}, created if absent. */
    private void inSlot(ObjectName base, Consumer<Slot> action) {
        while (true) {
            Slot slot = slots.computeIfAbsent(base, Slot::new);
            synchronized (slot) {
                if (slot.retired) {
                    continue;
                }
                slot.depth++;
                try {
                    action.accept(slot);
                } finally {
                    if (--slot.depth == 0 && slot.holders.isEmpty()) {
                        slot.retired = true;
                        slots.remove(base, slot);
                    }
                }
                return;
            }
        }
    }

    private void unregister(ObjectName name) {
        try {
            server.unregisterMBean(name);
        } catch (InstanceNotFoundException e) {
            // already gone
        } catch (JMException e) {
            LOG.log(System.Logger.Level.WARNING, "could not unregister the MBean " + name, e);
        }
    }

    /** One exported primitive. Guarded by its slot's monitor. */
    private static final class Holder {
        final Primitive primitive;
        final String owner;
        Operations operations;
        /** Its registered name, null until registered. */
        ObjectName name;
        /** The place of {@code name} in the order plain, owner, instance 2, 3, ... (0, 1, 2, 3, ...). */
        int rank;
        /** Set while an MBean of it is being registered (by {@link Slot#add} or a move). */
        boolean busy;
        /** Set when it is removed while busy: whoever is registering it unregisters it. */
        boolean cancelled;

        Holder(Primitive primitive, String owner) {
            this.primitive = primitive;
            this.owner = owner;
        }
    }

    /**
     * The primitives exported under one plain name: the events of that name, applied one at a time.
     * Every field is guarded by the slot's monitor.
     */
    private final class Slot {
        final ObjectName base;
        final List<Holder> holders = new ArrayList<>(2);
        /** How many (reentrant) {@link #inSlot} calls hold the monitor. */
        int depth;
        /** Set when the slot left the map; it is not used any more. */
        boolean retired;

        Slot(ObjectName base) {
            this.base = base;
        }

        private Holder find(Primitive primitive) {
            for (Holder h : holders) {
                if (h.primitive == primitive) {
                    return h;
                }
            }
            return null;
        }

        /** The name of the given rank: plain, then with the owner, then also with an instance from 2 on. */
        private ObjectName candidate(String owner, int rank) throws MalformedObjectNameException {
            if (rank == 0) {
                return base;
            }
            String owned = base + ",owner=" + ObjectName.quote(owner);
            return new ObjectName(rank == 1 ? owned : owned + ",instance=" + rank);
        }

        void add(Primitive primitive, String owner) {
            if (stopped || find(primitive) != null) {
                return; // stopped, or reported twice
            }
            Holder h = new Holder(primitive, owner);
            h.busy = true;
            holders.add(h);
            try {
                h.operations = operations.apply(primitive);
                PrimitiveMBean bean = new PrimitiveMBean(primitive, owner, h.operations);
                for (int rank = 0; h.name == null && !h.cancelled; rank++) {
                    ObjectName candidate = candidate(owner, rank);
                    try {
                        server.registerMBean(bean, candidate);
                        h.name = candidate;
                        h.rank = rank;
                    } catch (InstanceAlreadyExistsException e) {
                        // taken: try the next one
                    }
                }
            } catch (JMException e) {
                LOG.log(System.Logger.Level.WARNING, "could not register the MBean " + base, e);
            } finally {
                h.busy = false;
                if (h.cancelled || h.name == null) {
                    holders.remove(h);
                    if (h.name != null) {
                        unregister(h.name); // closed while it was being registered
                    }
                }
            }
        }

        void remove(Primitive primitive) {
            Holder h = find(primitive);
            if (h == null) {
                return;
            }
            holders.remove(h);
            if (h.busy) {
                h.cancelled = true;
                return;
            }
            unregister(h.name);
            moveUp(h.owner, h.rank);
        }

        /**
         * Gives the freed name of rank {@code freed} to the primitive of the same owner under the
         * next rank, and so on with the name that frees.
         */
        private void moveUp(String owner, int freed) {
            while (!stopped) {
                Holder next = null;
                for (Holder q : holders) {
                    if (!q.busy && q.owner.equals(owner) && q.rank > freed && (next == null || q.rank < next.rank)) {
                        next = q;
                    }
                }
                if (next == null) {
                    return;
                }
                ObjectName was = next.name;
                int wasRank = next.rank;
                ObjectName target = null;
                next.busy = true;
                try {
                    target = candidate(owner, freed);
                    server.registerMBean(new PrimitiveMBean(next.primitive, owner, next.operations), target);
                    unregister(was);
                    was = null;
                } catch (InstanceAlreadyExistsException e) {
                    // taken by someone else since: it stays where it is
                } catch (JMException e) {
                    LOG.log(System.Logger.Level.WARNING, "could not move the MBean " + was + " to a freed name", e);
                } finally {
                    next.busy = false;
                }
                if (next.cancelled) {
                    unregister(was == null ? target : was); // closed while it moved
                    return;
                }
                if (was != null) {
                    return; // not moved
                }
                next.name = target;
                next.rank = freed;
                freed = wasRank;
            }
        }

        void clear() {
            for (Holder h : List.copyOf(holders)) {
                holders.remove(h);
                if (h.busy) {
                    h.cancelled = true;
                } else {
                    unregister(h.name);
                }
            }
        }
    }
}
