package goflow.impl.osgi;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.GoFlow;
import goflow.api.Primitive;
import goflow.api.ratelimit.ConcurrencyLimiter;

/**
 * A concurrency limiter per factory configuration {@value ConcurrencyLimiterConfig#PID}:
 * registered with {@code goflow.name}; capacity changes live; a new name or fairness recreates it;
 * deleting the configuration closes it.
 *
 * <p>Thread-safe: DS serializes the lifecycle methods.
 */
@Component(configurationPid = ConcurrencyLimiterConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = ConcurrencyLimiterConfig.class, factory = true)
public final class ConcurrencyLimiterComponent {
    private final Configured<ConcurrencyLimiter> configured;
    private String name;
    private boolean fair;

    /**
     * Creates and registers the limiter.
     *
     * @param context this bundle's context
     * @param config the configuration
     * @param properties the configuration's properties (for the PID)
     * @param live the live registry
     */
    @Activate
    public ConcurrencyLimiterComponent(BundleContext context, ConcurrencyLimiterConfig config,
            Map<String, Object> properties, @Reference LiveRegistry live) {
        this.name = name(config, properties);
        this.fair = config.fair();
        this.configured = new Configured<>(context, properties, live,
                new Class<?>[] {ConcurrencyLimiter.class, Primitive.class}, build(config, name));
    }

    /**
     * Applies a changed configuration: capacity live, a new name or fairness by recreating it.
     *
     * @param config the new configuration
     * @param properties its properties
     */
    @Modified
    public void modified(ConcurrencyLimiterConfig config, Map<String, Object> properties) {
        String newName = name(config, properties);
        if (configured.primitive() == null || !newName.equals(name) || config.fair() != fair) {
            if (configured.rebuild(build(config, newName))) {
                name = newName;
                fair = config.fair();
            }
            return;
        }
        ConcurrencyLimiter l = configured.primitive();
        int oldCapacity = l.capacity();
        configured.applyLive(List.of(
                new Configured.Change(() -> l.setCapacity(config.capacity()), () -> l.setCapacity(oldCapacity))));
    }

    /** Unregisters and closes the limiter. */
    @Deactivate
    public void deactivate() {
        configured.close();
    }

    private static String name(ConcurrencyLimiterConfig config, Map<String, Object> properties) {
        return config.name().isEmpty() ? Configured.defaultName(properties) : config.name();
    }

    private static Function<GoFlow, ConcurrencyLimiter> build(ConcurrencyLimiterConfig config, String name) {
        return goflow -> {
            var b = goflow.concurrencyLimiter().capacity(config.capacity()).fair(config.fair());
            return (name.isEmpty() ? b : b.name(name)).build();
        };
    }
}
