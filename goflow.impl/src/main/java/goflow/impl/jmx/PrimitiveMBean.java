package goflow.impl.jmx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanInfo;
import javax.management.MBeanNotificationInfo;
import javax.management.MBeanOperationInfo;
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
 * <p>A remote JMX client has none of goflow's classes, so nothing thrown from here carries one (it
 * would reach the client as a {@code ClassNotFoundException}): a failure of the primitive becomes
 * a JDK exception with goflow's message and stack trace and no cause: an invalid value an
 * {@link IllegalArgumentException}, an unknown operation an {@link UnsupportedOperationException}
 * (inside a {@link ReflectionException}), anything else an {@link IllegalStateException}. The
 * MBean server hands them to the client inside a {@code RuntimeMBeanException}.
 *
 * <p>Thread-safe: immutable apart from the primitive, which is thread-safe.
 */
public final class PrimitiveMBean implements DynamicMBean {
    private final Primitive primitive;
    private final String owner;
    private final Operations operations;

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
     * <p>Leaves out what it cannot read: unknown names, and the statistics while {@code stats()}
     * throws (then {@code statsError} can be read instead).
     */
    @Override
    public AttributeList getAttributes(String[] attributes) {
        AttributeList list = new AttributeList();
        Map<String, Object> figures = figures().map;
        for (String a : attributes) {
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
     * Reads the statistics. A failure of {@code stats()} or {@code toMap()} (a RuntimeException, or
     * an Error other than a VirtualMachineError) gives the one figure {@code statsError} instead, as
     * in the registry's snapshot.
     */
    private Figures figures() {
        try {
            return new Figures(primitive.stats().toMap(), null);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            return new Figures(UnreadableStats.of(e).toMap(), e);
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

    @Override
    public MBeanInfo getMBeanInfo() {
        List<OpenMBeanAttributeInfoSupport> attrs = new ArrayList<>();
        attrs.add(attr("Name", "the primitive's name", SimpleType.STRING));
        attrs.add(attr("Kind", "the primitive's kind", SimpleType.STRING));
        attrs.add(attr("Owner", "the bundle, configuration or application that created it", SimpleType.STRING));
        for (Map.Entry<String, Object> e : figures().map.entrySet()) {
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
                ops.toArray(new OpenMBeanOperationInfoSupport[0]), new MBeanNotificationInfo[0]);
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
