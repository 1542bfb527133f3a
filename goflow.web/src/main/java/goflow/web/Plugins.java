package goflow.web;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Lists the plugin services by their name property ({@code goflow.stage.name},
 * {@code goflow.source.name}) without loading their classes.
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
     * @param name its name property
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
                    list.add(new Plugin(String.valueOf(r.getProperty(property)),
                            r.getBundle() == null ? "-" : r.getBundle().getSymbolicName()));
                }
            }
            list.sort(Comparator.comparing(Plugin::name).thenComparing(Plugin::bundle));
            return list;
        };
    }
}
