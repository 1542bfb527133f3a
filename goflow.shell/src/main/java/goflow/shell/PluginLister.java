package goflow.shell;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/**
 * Lists plugin services by their name property ({@code goflow.stage.name},
 * {@code goflow.source.name}) without loading their classes.
 *
 * <p>Implementations are thread-safe.
 */
@FunctionalInterface
interface PluginLister {
    /** The service property naming a stage plugin. */
    String STAGE_NAME = "goflow.stage.name";
    /** The service property naming a stream source plugin. */
    String SOURCE_NAME = "goflow.source.name";

    /**
     * One plugin service.
     *
     * @param name the value of its name property
     * @param type the interfaces it is registered under
     * @param bundle the symbolic name of the bundle that registered it
     * @param serviceId its service id
     */
    record Plugin(String name, String type, String bundle, long serviceId) { }

    /**
     * Lists the services that have a property.
     *
     * @param property the property
     * @return the services, sorted by name
     */
    List<Plugin> list(String property);

    static PluginLister of(BundleContext context) {
        return property -> {
            ServiceReference<?>[] refs;
            try {
                refs = context.getAllServiceReferences(null, "(" + property + "=*)");
            } catch (InvalidSyntaxException e) {
                throw new IllegalArgumentException(property, e);
            }
            List<Plugin> list = new ArrayList<>();
            if (refs != null) {
                for (ServiceReference<?> r : refs) {
                    String[] types = (String[]) r.getProperty(Constants.OBJECTCLASS);
                    list.add(new Plugin(String.valueOf(r.getProperty(property)), String.join(",", types),
                            r.getBundle() == null ? "-" : r.getBundle().getSymbolicName(),
                            (Long) r.getProperty(Constants.SERVICE_ID)));
                }
            }
            list.sort(Comparator.comparing(Plugin::name).thenComparing(Plugin::serviceId));
            return list;
        };
    }
}
