package goflow.impl.jmx;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.Descriptor;
import javax.management.DynamicMBean;
import javax.management.ImmutableDescriptor;
import javax.management.ListenerNotFoundException;
import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanOperationInfo;
import javax.management.Notification;
import javax.management.NotificationBroadcasterSupport;
import javax.management.NotificationEmitter;
import javax.management.NotificationFilter;
import javax.management.NotificationListener;
import javax.management.ReflectionException;
import javax.management.openmbean.OpenMBeanAttributeInfoSupport;
import javax.management.openmbean.OpenMBeanConstructorInfo;
import javax.management.openmbean.OpenMBeanInfoSupport;
import javax.management.openmbean.OpenMBeanOperationInfoSupport;
import javax.management.openmbean.OpenMBeanParameterInfo;
import javax.management.openmbean.OpenMBeanParameterInfoSupport;
import javax.management.openmbean.OpenType;
import javax.management.openmbean.SimpleType;

import goflow.api.Primitive;
import goflow.impl.internal.UnreadableStats;

/**
 * An open MBean for one primitive: read-only attributes {@code Name}, {@code Kind}, {@code Owner}
 * and one per entry of its {@code stats().toMap()} (numbers as {@code long} or {@code double},
 * booleans as {@code boolean}, everything else, durations and instants included, as its string
 * form), plus the live-change operations its {@link Operations} declares. Attributes are read from
 * a fresh snapshot on every call. While {@code stats()} throws (an exception, or an Error other than
 * a VirtualMachineError), the statistics give way to the one text attribute {@code statsError}
 * naming the failure, so that {@link #getMBeanInfo()} and {@link #getAttributes} still answer (a
 * client listing every MBean is not stopped by one), while {@link #getAttribute} of a statistic
 * fails as below.
 *
 * <p>The attributes follow the statistics, so they change when a figure appears later (a
 * pipeline's {@code lastExecution} after its first execution, a plugin's figures) or goes (the
 * {@code statsError} of a recovered primitive). The MBeanInfo is therefore declared mutable
 * (descriptor field {@code immutableInfo=false}), and a change is announced to this MBean's
 * listeners with one {@value #INFO_CHANGED} notification whose user data is the new MBeanInfo,
 * so a client that caches the MBeanInfo (jconsole) refreshes it. No thread watches the
 * statistics: a change is noticed when the MBean is read (a statistic, or its MBeanInfo), and
 * announced once, on the reading thread, to the listeners added until then.
 *
 * <p>A remote JMX client has none of goflow's classes, so nothing thrown from here carries one (it
 * would reach the client as a {@code ClassNotFoundException}): a failure of the primitive becomes
 * a JDK exception with goflow's message and stack trace and no cause: an invalid value an
 * {@link IllegalArgumentException}, an unknown operation an {@link UnsupportedOperationException}
 * (inside a {@link ReflectionException}), anything else an {@link IllegalStateException}. The
 * MBean server hands them to the client inside a {@code RuntimeMBeanException}.
 *
 * <p>Thread-safe: the primitive is thread-safe, the attributes last shown are swapped by CAS (so
 * that one reader announces each change), and the listeners are kept by a
 * {@link NotificationBroadcasterSupport}, which is thread-safe.
 */
public final class PrimitiveMBean implements DynamicMBean, NotificationEmitter {
    /** The type of the notification that announces a new MBeanInfo (its user data). */
    public static final String INFO_CHANGED = "jmx.mbean.info.changed";
    /** Tells clients not to cache the MBeanInfo for good (see {@link MBeanInfo}, "immutableInfo"). */
    private static final Descriptor MUTABLE = new ImmutableDescriptor("immutableInfo=false");

    private final Primitive primitive;
    private final String owner;
    private final Operations operations;
    private final NotificationBroadcasterSupport listeners = new NotificationBroadcasterSupport(notificationInfo());
    /**
     * The statistics' names and types last shown (by {@link #getMBeanInfo()}, the registration
     * included, or by a notification); null before the first read. Replaced by CAS: the reader that
     * replaces it announces the change.
     */
    private final AtomicReference<Map<String, OpenType<?>>> shown = new AtomicReference<>();
    /** The sequence number of the last notification. */
    private final AtomicLong sequence = new AtomicLong();

    /**
     * Creates the MBean.
     *
     * @param primitive the primitive
     * @param owner its owner
     * @param operations the live-change operations for this primitive's kind
     */
    public PrimitiveMBean(Primitive primitive, String owner, Operations operations) {
        this.primitive = primitive;
        this.owner = owner;
        this.operations = operations;
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        switch (attribute) {
            case "Name":
                return primitive.name();
            case "Kind":
                return primitive.kind().label();
            case "Owner":
                return owner;
            default:
                Figures figures = figures();
                if (figures.failure != null && !attribute.equals(UnreadableStats.FIGURE)) {
                    throw jdk(figures.failure);
                }
                if (!figures.map.containsKey(attribute)) {
                    throw new AttributeNotFoundException(attribute);
                }
                return open(figures.map.get(attribute));
        }
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("read-only: " + attribute.getName());
    }

    /**
     * {@inheritDoc}
     *
     * <p>Leaves out what it cannot read: unknown names (null included: the MBean server passes
     * on what a generic client sends), and the statistics while {@code stats()} throws (then
     * {@code statsError} can be read instead).
     */
    @Override
    public AttributeList getAttributes(String[] attributes) {
        AttributeList list = new AttributeList();
        Map<String, Object> figures = figures().map;
        for (String a : attributes) {
            if (a == null) {
                continue; // a switch on it would throw, failing the whole read
            }
            switch (a) {
                case "Name":
                case "Kind":
                case "Owner":
                    try {
                        list.add(new Attribute(a, getAttribute(a)));
                    } catch (AttributeNotFoundException e) {
                        throw new AssertionError(e);
                    }
                    break;
                default:
                    if (figures.containsKey(a)) {
                        list.add(new Attribute(a, open(figures.get(a))));
                    }
            }
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
        try {
            return operations.invoke(primitive, actionName, params == null ? new Object[0] : params);
        } catch (UnsupportedOperationException e) {
            throw new ReflectionException(jdk(e), e.getMessage());
        } catch (RuntimeException e) {
            throw jdk(e);
        }
    }

    /**
     * Reads the statistics, and announces the new MBeanInfo if their names or types differ from
     * those last shown. A failure of {@code stats()} or {@code toMap()} (a RuntimeException, or an
     * Error other than a VirtualMachineError) gives the one figure {@code statsError} instead, as in
     * the registry's snapshot.
     */
    private Figures figures() {
        Figures figures;
        try {
            figures = new Figures(primitive.stats().toMap(), null);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            figures = new Figures(UnreadableStats.of(e).toMap(), e);
        }
        Map<String, OpenType<?>> now = new LinkedHashMap<>();
        figures.map.forEach((name, value) -> now.put(name, typeOf(value)));
        while (true) {
            Map<String, OpenType<?>> before = shown.get();
            if (now.equals(before)) {
                return figures;
            }
            if (shown.compareAndSet(before, now)) {
                if (before != null) {
                    Notification n = new Notification(INFO_CHANGED, this, sequence.incrementAndGet(),
                            "the statistics of " + primitive.kind().label() + " '" + primitive.name()
                                    + "' changed: " + now.keySet());
                    n.setUserData(info(figures));
                    listeners.sendNotification(n);
                }
                return figures;
            }
        }
    }

    /** The figures an MBean shows, and what {@code stats()} threw (else null). Immutable. */
    private record Figures(Map<String, Object> map, Throwable failure) { }

    /**
     * Returns a JDK exception with the message and stack trace of {@code e} and no cause, which a
     * client without goflow's classes can deserialize.
     *
     * @param e a failure of the primitive or of an operation (an exception, or an Error other than a
     *     VirtualMachineError)
     * @return an IllegalArgumentException for an invalid value, an UnsupportedOperationException
     *     for one, else an IllegalStateException
     */
    static RuntimeException jdk(Throwable e) {
        String message = e.getMessage() == null ? e.toString() : e.getMessage();
        RuntimeException out;
        if (e instanceof goflow.api.InvalidConfigException || e instanceof IllegalArgumentException) {
            out = new IllegalArgumentException(message);
        } else if (e instanceof UnsupportedOperationException) {
            out = new UnsupportedOperationException(message);
        } else {
            out = new IllegalStateException(message);
        }
        out.setStackTrace(e.getStackTrace());
        return out;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Declared mutable: its descriptor has {@code immutableInfo=false}, and it lists the
     * {@value #INFO_CHANGED} notification.
     */
    @Override
    public MBeanInfo getMBeanInfo() {
        return info(figures());
    }

    private MBeanInfo info(Figures figures) {
        List<OpenMBeanAttributeInfoSupport> attrs = new ArrayList<>();
        attrs.add(attr("Name", "the primitive's name", SimpleType.STRING));
        attrs.add(attr("Kind", "the primitive's kind", SimpleType.STRING));
        attrs.add(attr("Owner", "the bundle, configuration or application that created it", SimpleType.STRING));
        for (Map.Entry<String, Object> e : figures.map.entrySet()) {
            attrs.add(attr(e.getKey(), "statistic " + e.getKey(), typeOf(e.getValue())));
        }
        List<OpenMBeanOperationInfoSupport> ops = new ArrayList<>();
        for (Operations.Operation op : operations.list()) {
            OpenMBeanParameterInfo[] ps = new OpenMBeanParameterInfo[op.parameters().size()];
            for (int i = 0; i < ps.length; i++) {
                Operations.Parameter p = op.parameters().get(i);
                ps[i] = new OpenMBeanParameterInfoSupport(p.name(), p.description(), p.type());
            }
            ops.add(new OpenMBeanOperationInfoSupport(op.name(), op.description(), ps, SimpleType.VOID,
                    MBeanOperationInfo.ACTION));
        }
        return new OpenMBeanInfoSupport(PrimitiveMBean.class.getName(),
                "goflow " + primitive.kind().label() + " '" + primitive.name() + "'",
                attrs.toArray(new OpenMBeanAttributeInfoSupport[0]), new OpenMBeanConstructorInfo[0],
                ops.toArray(new OpenMBeanOperationInfoSupport[0]), notificationInfo(), MUTABLE);
    }

    private static MBeanNotificationInfo[] notificationInfo() {
        return new MBeanNotificationInfo[] {new MBeanNotificationInfo(new String[] {INFO_CHANGED},
                Notification.class.getName(), "the attributes changed (a statistic appeared or went); "
                        + "the user data is the new MBeanInfo")};
    }

    @Override
    public MBeanNotificationInfo[] getNotificationInfo() {
        return notificationInfo();
    }

    @Override
    public void addNotificationListener(NotificationListener listener, NotificationFilter filter, Object handback) {
        listeners.addNotificationListener(listener, filter, handback);
    }

    @Override
    public void removeNotificationListener(NotificationListener listener) throws ListenerNotFoundException {
        listeners.removeNotificationListener(listener);
    }

    @Override
    public void removeNotificationListener(NotificationListener listener, NotificationFilter filter, Object handback)
            throws ListenerNotFoundException {
        listeners.removeNotificationListener(listener, filter, handback);
    }

    private static OpenMBeanAttributeInfoSupport attr(String name, String description, OpenType<?> type) {
        return new OpenMBeanAttributeInfoSupport(name, description, type, true, false, false);
    }

    static OpenType<?> typeOf(Object value) {
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            return SimpleType.LONG;
        }
        if (value instanceof Number) {
            return SimpleType.DOUBLE;
        }
        if (value instanceof Boolean) {
            return SimpleType.BOOLEAN;
        }
        return SimpleType.STRING;
    }

    static Object open(Object value) {
        if (value instanceof Byte || value instanceof Short || value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        if (value instanceof Number) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof Boolean) {
            return value;
        }
        return String.valueOf(value);
    }
}
