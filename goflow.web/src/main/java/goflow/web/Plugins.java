package goflow.web;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Lists the plugin services by their name property ({@code goflow.stage.name},
 * {@code goflow.source.name}) without loading their classes. A plugin is named as goflow.impl's
 * {@code Plugins} binds it: a name property that is an array or collection of one name is that
 * name; one of several names (or none), which {@code Plugins} refuses to bind, is shown as its
 * elements followed by {@code (not bound: <property> must be one name)} (as goflow.shell shows it).
 *
 * <p>Implementations are thread-safe.
 */
@FunctionalInterface
interface Plugins {
    /** The service property naming a stage plugin. */
    String STAGE_NAME = "goflow.stage.name";
    /** The service property naming a stream source plugin. */
    String SOURCE_NAME = "goflow.source.name";

    /**
     * One plugin service.
     *
     * @param name the name it is bound under ({@link #name})
     * @param bundle the symbolic name of the bundle that registered it
     */
    record Plugin(String name, String bundle) { }

    /**
     * Lists the services that have a property.
     *
     * @param property {@link #STAGE_NAME} or {@link #SOURCE_NAME}
     * @return the services, sorted by name
     */
    List<Plugin> list(String property);

    /** No plugins (a plain JVM, tests). */
    static Plugins none() {
        return property -> List.of();
    }

    /** The plugin services of a framework. */
    static Plugins of(BundleContext context) {
        return property -> {
            ServiceReference<?>[] refs;
            try {
                refs = context.getAllServiceReferences(null, "(" + property + "=*)");
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException(property, e);
            } catch (IllegalStateException e) { // this bundle is stopping
                return List.of();
            }
            List<Plugin> list = new ArrayList<>();
            if (refs != null) {
                for (ServiceReference<?> r : refs) {
                    list.add(new Plugin(name(r.getProperty(property), property),
                            r.getBundle() == null ? "-" : r.getBundle().getSymbolicName()));
                }
            }
            list.sort(Comparator.comparing(Plugin::name).thenComparing(Plugin::bundle));
            return list;
        };
    }

    /**
     * Returns the name a plugin's name property gives, by the rule of the class comment.
     *
     * @param value the property's value: a string, an array or a collection
     * @param property the property, named when the value gives no single name
     * @return the name, or the elements with why the plugin is not bound
     */
    static String name(Object value, String property) {
        List<Object> items = new ArrayList<>();
        if (value instanceof Collection<?> c) {
            items.addAll(c);
        } else if (value != null && value.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(value); i++) {
                items.add(Array.get(value, i));
            }
        } else {
            items.add(value);
        }
        if (items.size() == 1 && items.get(0) != null) {
            return String.valueOf(items.get(0));
        }
        return items + " (not bound: " + property + " must be one name)";
    }
}
