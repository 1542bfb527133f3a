package goflow.api.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import goflow.api.inspect.Stats;

/**
 * Derives the figures of a statistics record from its components, once for every {@link Stats}
 * record: what {@link Stats#toMap()} returns unless a record reshapes it.
 *
 * <p>The rules: one entry per record component, in declaration order, keyed by the component's
 * name; an enum value becomes its {@link Enum#name() name}; a {@code null} value is left out (a
 * figure that does not exist yet, such as the time of a first event). Other values are kept as
 * they are, boxed with their own type ({@code int} stays {@code Integer}).
 *
 * <p>Stateless and thread-safe. The components of each record class are looked up once and kept
 * with the class (a {@link ClassValue}), so a record class of an uninstalled bundle can still be
 * unloaded.
 */
public final class StatsMaps {

    /** The readable components of each record class, in declaration order. */
    private static final ClassValue<Component[]> COMPONENTS = new ClassValue<>() {
        @Override
        protected Component[] computeValue(Class<?> type) {
            RecordComponent[] declared = type.getRecordComponents();
            Component[] components = new Component[declared.length];
            for (int i = 0; i < declared.length; i++) {
                Method accessor = declared[i].getAccessor();
                // a record that is not public (a test's, a plugin's) is readable on the class path and in
                // OSGi; on the module path its package must be open to goflow.api (or it overrides toMap)
                accessor.trySetAccessible();
                components[i] = new Component(declared[i].getName(), accessor);
            }
            return components;
        }
    };

    private StatsMaps() {
    }

    /**
     * Returns the figures of {@code stats} by the rules of this class, unmodifiable.
     *
     * @param stats a record implementing {@link Stats}
     * @return the figures in component order
     * @throws UnsupportedOperationException if {@code stats} is not a record (such an
     *     implementation overrides {@link Stats#toMap()})
     * @throws IllegalStateException if a component cannot be read (a record in a package its module
     *     does not open to goflow.api)
     */
    public static Map<String, Object> toMap(Stats stats) {
        return Collections.unmodifiableMap(figures(stats));
    }

    /**
     * Returns the figures of {@code stats} by the rules of this class in a new mutable map, for a
     * record that adds or reshapes figures before it returns them.
     *
     * @param stats a record implementing {@link Stats}
     * @return a new insertion-ordered map of the figures in component order
     * @throws UnsupportedOperationException if {@code stats} is not a record
     * @throws IllegalStateException if a component cannot be read
     */
    public static LinkedHashMap<String, Object> figures(Stats stats) {
        Class<?> type = stats.getClass();
        if (!type.isRecord()) {
            throw new UnsupportedOperationException(type.getName() + " implements Stats but is not a record:"
                    + " toMap() is derived only from the components of a record; override it");
        }
        LinkedHashMap<String, Object> figures = new LinkedHashMap<>();
        for (Component c : COMPONENTS.get(type)) {
            Object value = c.read(stats);
            if (value instanceof Enum<?> e) {
                figures.put(c.name, e.name());
            } else if (value != null) {
                figures.put(c.name, value);
            }
        }
        return figures;
    }

    /** One record component: its name and accessor. Immutable. */
    private static final class Component {
        final String name;
        final Method accessor;

        Component(String name, Method accessor) {
            this.name = name;
            this.accessor = accessor;
        }

        Object read(Object record) {
            try {
                return accessor.invoke(record);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read the figure '" + name + "' of "
                        + record.getClass().getName() + ": make the record public in a package its module opens to"
                        + " goflow.api, or override toMap()", e);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException r) {
                    throw r;
                }
                if (cause instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException("the accessor of '" + name + "' of " + record.getClass().getName()
                        + " failed", cause);
            }
        }
    }
}
