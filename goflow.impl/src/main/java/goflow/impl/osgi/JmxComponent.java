package goflow.impl.osgi;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

import goflow.api.Registration;
import goflow.impl.jmx.MBeanExporter;

/**
 * Exports every primitive of the {@link LiveRegistry} as an MBean in the platform MBean server
 * while this component is active (see {@link MBeanExporter}).
 *
 * <p>Thread-safe: both fields are set in the constructor.
 */
@Component(immediate = true, service = {})
public final class JmxComponent {
    private final MBeanExporter exporter;
    private final Registration listening;

    /**
     * Starts exporting.
     *
     * @param live the framework-wide registry
     */
    @Activate
    public JmxComponent(@Reference LiveRegistry live) {
        this.exporter = MBeanExporter.platform();
        this.listening = live.addListener(exporter);
    }

    /** Stops exporting and unregisters every MBean. */
    @Deactivate
    public void deactivate() {
        listening.close();
        exporter.unregisterAll();
    }
}
