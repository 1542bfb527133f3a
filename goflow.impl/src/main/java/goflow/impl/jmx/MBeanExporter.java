package goflow.impl.jmx;

import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * <p>Thread-safe: {@code registered} is a concurrent map from primitive (identity) to its name;
 * registering the same primitive twice is ignored.
 */
/*
 * A primitive may be closed on another thread while its MBean is being registered (a registry
 * reports a primitive to a new listener while it closes; a primitive found and closed right after
 * it is listed). {@link #added} therefore first maps the primitive to PENDING, registers, and then
 * replaces PENDING with the name; {@link #removed} that finds PENDING only removes the mapping, and
 * the failed replace tells {@link #added} to unregister what it just registered.
 */
public final class MBeanExporter implements PrimitiveRegistry.Listener {
    /** The JMX domain of every goflow MBean. */
    public static final String DOMAIN = "goflow";
    private static final System.Logger LOG = System.getLogger(MBeanExporter.class.getName());

    /** Maps a primitive being registered; never a registered name. */
    private static final ObjectName PENDING = ObjectName.WILDCARD;

    private final MBeanServer server;
    private final Function<Primitive, Operations> operations;
    /** Primitive to its registered name, or to PENDING while {@link #added} registers it. */
    private final Map<Primitive, ObjectName> registered = new ConcurrentHashMap<>();

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
        ObjectName name = objectName(primitive.kind(), primitive.name());
        if (registered.putIfAbsent(primitive, PENDING) != null) {
            return;
        }
        boolean done = false;
        try {
            PrimitiveMBean bean = new PrimitiveMBean(primitive, owner, operations.apply(primitive));
            name = register(bean, name, owner);
            done = true;
            if (!registered.replace(primitive, PENDING, name)) {
                unregister(name); // removed (closed) while it was being registered
            }
        } catch (JMException e) {
            LOG.log(System.Logger.Level.WARNING, "could not register the MBean " + name, e);
        } finally {
            if (!done) {
                registered.remove(primitive, PENDING);
            }
        }
    }

    /**
     * Registers under {@code name}; if it is taken, with an {@code owner} key; if that is taken too
     * (two registries with the same owner, or a name held by someone else), with an extra
     * {@code instance} key, from 2 on.
     */
    private ObjectName register(PrimitiveMBean bean, ObjectName name, String owner) throws JMException {
        try {
            server.registerMBean(bean, name);
            return name;
        } catch (InstanceAlreadyExistsException e) {
            // taken: try with the owner
        }
        String owned = name + ",owner=" + ObjectName.quote(owner);
        for (int instance = 1; ; instance++) {
            ObjectName candidate = new ObjectName(instance == 1 ? owned : owned + ",instance=" + instance);
            try {
                server.registerMBean(bean, candidate);
                return candidate;
            } catch (InstanceAlreadyExistsException e) {
                // taken: try the next instance
            }
        }
    }

    @Override
    public void removed(Primitive primitive, String owner) {
        ObjectName name = registered.remove(primitive);
        if (name != null && name != PENDING) {
            unregister(name);
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

    /** Unregisters every MBean this exporter registered. */
    public void unregisterAll() {
        for (Primitive p : registered.keySet()) {
            removed(p, "");
        }
    }
}
