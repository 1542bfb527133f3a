package goflow.impl.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import goflow.api.ClosedException;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.Registration;
import goflow.api.inspect.PrimitiveInfo;
import goflow.api.inspect.Registry;
import goflow.api.inspect.Stats;

/**
 * The live primitives of one {@link goflow.api.GoFlow}. A primitive's life in the registry:
 * {@link #reserve} claims its name atomically before anything is built (so a duplicate name fails
 * before any thread starts), {@link Entry#activate} lists it once fully built, and
 * {@link Entry#release} frees the name when it is closed or when building it failed.
 *
 * <p>Thread-safe: {@code entries} is a concurrent map from name to entry; an entry whose primitive
 * is still null is reserved but not yet listed.
 */
public final class PrimitiveRegistry implements Registry {
    private static final Comparator<Primitive> ORDER =
            Comparator.comparing(Primitive::kind).thenComparing(Primitive::name);

    private final String owner;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Map<Primitive.Kind, AtomicLong> counters = new ConcurrentHashMap<>();
    /** Told about every primitive listed and removed (JMX, the OSGi live registry). */
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /**
     * The names of the listed primitives whose {@code stats()} threw at the last snapshot, so that each failure is
     * logged once until it recovers; an entry leaves when the primitive is released. Concurrent: any
     * reader's snapshot updates it.
     */
    private final Set<String> statsFailing = ConcurrentHashMap.newKeySet();
    /** Set once by {@link #closeAll()}; then no name can be reserved. */
    private volatile boolean closed;

    /**
     * Creates an empty registry.
     *
     * @param owner the owner reported for the primitives, e.g. {@code "application"} or a bundle name
     */
    public PrimitiveRegistry(String owner) {
        this.owner = owner;
    }

    /**
     * Claims a name for a primitive about to be built.
     *
     * @param kind the primitive's kind
     * @param requestedName the name given by the user, or {@code null} to generate one
     * @return the entry holding the name; call {@link Entry#activate} once built, or
     *     {@link Entry#release} if building fails
     * @throws InvalidConfigException if the name is invalid or taken
     * @throws ClosedException if the registry was closed
     */
    public Entry reserve(Primitive.Kind kind, String requestedName) {
        if (closed) {
            throw new ClosedException("goflow is closed: cannot create " + kind.label()
                    + (requestedName == null ? "" : " '" + requestedName + "'"));
        }
        if (requestedName != null) {
            Check.name(kind.label(), requestedName);
            Entry entry = new Entry(requestedName);
            if (entries.putIfAbsent(requestedName, entry) != null) {
                throw new InvalidConfigException(kind.label(), "name", requestedName,
                        "must be unique among live primitives",
                        "choose another name, or close the primitive that has it first");
            }
            return entry;
        }
        AtomicLong counter = counters.computeIfAbsent(kind, k -> new AtomicLong());
        while (true) {
            String name = kind.label() + "-" + counter.incrementAndGet();
            Entry entry = new Entry(name);
            if (entries.putIfAbsent(name, entry) == null) {
                return entry;
            }
        }
    }

    /**
     * Lists a primitive built elsewhere (see {@link goflow.api.GoFlow#register}): claims its name
     * and lists it at once.
     *
     * @param primitive the built primitive
     * @return releases the name and removes the listing; idempotent
     * @throws InvalidConfigException if the primitive, its kind or its name is null, or the name invalid or taken
     * @throws ClosedException if the registry was closed
     */
    public Registration register(Primitive primitive) {
        Check.notNull("goflow", "primitive", primitive);
        Primitive.Kind kind = Check.notNull("goflow", "kind", primitive.kind());
        String name = primitive.name();
        Check.notNull(kind.label(), "name", name);
        Entry entry = reserve(kind, name);
        entry.activate(primitive);
        return entry::release;
    }

    /**
     * Closes every live primitive (in reverse kind order, so pipelines close before the pools they
     * use) and refuses new reservations. A primitive whose {@code close()} throws (one registered
     * from outside) does not keep the others open: they are all closed, and then the first failure
     * is thrown, with the later ones suppressed.
     */
    public void closeAll() {
        closed = true;
        List<Primitive> live = primitives();
        Throwable failure = null;
        for (int i = live.size() - 1; i >= 0; i--) {
            try {
                live.get(i).close();
            } catch (RuntimeException | Error e) {
                if (failure == null) {
                    failure = e;
                } else if (failure != e) {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure != null) {
            throw (Error) failure;
        }
    }

    /**
     * Returns whether {@link #closeAll()} was called.
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Returns the owner reported for every primitive of this registry.
     *
     * @return the owner
     */
    public String owner() {
        return owner;
    }

    /**
     * Adds a listener and tells it at once about every primitive already listed. A primitive
     * activated or closed concurrently may be reported twice (added twice, or removed twice);
     * listeners must tolerate that. A primitive closed while it is being reported here is reported
     * removed after it was reported added, whatever the order of the two threads, so a listener is
     * never left holding a closed primitive. If the listener throws while it is told about the
     * primitives already listed, it is removed again and the throwable propagates.
     *
     * @param listener the listener, called on the thread that activates or closes a primitive
     * @return removes the listener
     */
    public Registration addListener(Listener listener) {
        listeners.add(listener);
        try {
            tellListed(this, listener);
        } catch (RuntimeException | Error e) {
            listeners.remove(listener);
            throw e;
        }
        return () -> listeners.remove(listener);
    }

    /**
     * Tells {@code listener}, already listening to {@code registry}, about the primitives listed
     * now; a primitive no longer listed once reported (closed meanwhile: its removal may have been
     * reported first) is reported removed too.
     *
     * @param registry the registry
     * @param listener the listener
     */
    public static void tellListed(PrimitiveRegistry registry, Listener listener) {
        for (Primitive p : registry.primitives()) {
            listener.added(p, registry.owner);
            if (registry.find(p.name()).orElse(null) != p) {
                listener.removed(p, registry.owner);
            }
        }
    }

    private void fire(Primitive p, boolean added) {
        for (Listener l : listeners) {
            try {
                if (added) {
                    l.added(p, owner);
                } else {
                    l.removed(p, owner);
                }
            } catch (VirtualMachineError e) {
                throw e;
            } catch (RuntimeException | Error e) {
                // an Error too (a NoClassDefFoundError from a listener's bundle refreshed under it):
                // escaping, it would fail the build or close that told it, after the registry changed,
                // and leave the listeners after it untold
                System.getLogger(PrimitiveRegistry.class.getName()).log(System.Logger.Level.WARNING,
                        "registry listener " + l + " failed for " + p.kind().label() + " '" + p.name() + "'", e);
            }
        }
    }

    @Override
    public List<Primitive> primitives() {
        List<Primitive> list = new ArrayList<>();
        for (Entry e : entries.values()) {
            Primitive p = e.primitive;
            if (p != null) {
                list.add(p);
            }
        }
        list.sort(ORDER);
        return List.copyOf(list);
    }

    /**
     * {@inheritDoc}
     *
     * <p>A primitive whose {@code stats()} throws (one registered from outside, see
     * {@link goflow.api.GoFlow#register}) is listed with {@link UnreadableStats} naming what it threw,
     * and logged once until its statistics can be read again: one such primitive never fails the
     * whole snapshot. A {@link VirtualMachineError} is not caught.
     */
    @Override
    public List<PrimitiveInfo> snapshot() {
        List<PrimitiveInfo> rows = new ArrayList<>();
        for (Primitive p : primitives()) {
            Stats stats;
            try {
                stats = p.stats();
                if (stats == null) {
                    throw new NullPointerException(p.getClass().getName() + ".stats() returned null");
                }
                statsFailing.remove(p.name());
            } catch (VirtualMachineError e) {
                throw e;
            } catch (RuntimeException | Error e) {
                stats = UnreadableStats.of(e);
                if (statsFailing.add(p.name())) {
                    try {
                        System.getLogger(PrimitiveRegistry.class.getName()).log(System.Logger.Level.WARNING,
                                p.kind().label() + " '" + p.name() + "' (owner " + owner + "): its stats() failed; "
                                        + "listed with the failure until it can be read again", e);
                    } catch (VirtualMachineError unlogged) {
                        throw unlogged;
                    } catch (RuntimeException | Error unlogged) {
                        // a failure that cannot be printed (its message throws an Error, which the
                        // logging handler lets through): its row still names it
                    }
                }
            }
            rows.add(new PrimitiveInfo(p.name(), p.kind(), owner, stats));
        }
        return List.copyOf(rows);
    }

    @Override
    public Optional<Primitive> find(String name) {
        Entry e = name == null ? null : entries.get(name);
        return e == null ? Optional.empty() : Optional.ofNullable(e.primitive);
    }

    @Override
    public <T extends Primitive> Optional<T> find(String name, Class<T> type) {
        return find(name).filter(type::isInstance).map(type::cast);
    }

    @Override
    public Optional<Primitive> find(PrimitiveInfo row) {
        return owner.equals(row.owner()) ? find(row.name()).filter(p -> p.kind() == row.kind()) : Optional.empty();
    }

    /** A claimed name; see {@link PrimitiveRegistry}. Thread-safe. */
    public final class Entry {
        private final String name;
        /** Null while reserved; the primitive once listed. */
        private volatile Primitive primitive;

        Entry(String name) {
            this.name = name;
        }

        /**
         * Returns the claimed name.
         *
         * @return the name
         */
        public String name() {
            return name;
        }

        /**
         * Lists the fully built primitive. If {@link #closeAll()} ran since the name was reserved
         * (a primitive built while its {@code GoFlow} closes), the primitive is closed and refused
         * instead: closeAll may have missed it, and it must not run on in a closed registry.
         *
         * @param <P> the primitive's type
         * @param built the primitive, whose {@code name()} is this entry's name
         * @return {@code built}
         * @throws ClosedException if the registry was closed meanwhile; {@code built} is closed
         */
        public <P extends Primitive> P activate(P built) {
            primitive = built;
            // volatile write, then read (closeAll: write closed, then read the entries): one of the two sees the other
            if (closed) {
                primitive = null;
                entries.remove(name, this); // never reported added: not reported removed
                built.close(); // closeAll may have seen it too: closing twice does nothing more
                throw new ClosedException("goflow is closed: cannot create " + built.kind().label() + " '" + name
                        + "'; it was closed");
            }
            fire(built, true);
            return built;
        }

        /** Removes the primitive (or the reservation) from the registry. Idempotent. */
        public void release() {
            Primitive p = primitive;
            if (entries.remove(name, this) && p != null) {
                statsFailing.remove(name);
                fire(p, false);
            }
        }
    }

    /**
     * Observes primitives entering and leaving a registry. Implementations are thread-safe and
     * quick; an exception or error they throw (but the JVM's own, a {@link VirtualMachineError}) is
     * logged and otherwise ignored.
     */
    public interface Listener {
        /**
         * A primitive was listed.
         *
         * @param primitive the primitive
         * @param owner the registry's owner
         */
        void added(Primitive primitive, String owner);

        /**
         * A primitive was closed and removed.
         *
         * @param primitive the primitive
         * @param owner the registry's owner
         */
        void removed(Primitive primitive, String owner);
    }
}
