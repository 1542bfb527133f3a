package goflow.impl.osgi;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Warns about a plain configuration whose PID is one of goflow's factory PIDs (a file
 * {@code deploy/goflow.tokenbucket.cfg} instead of {@code goflow.tokenbucket-<name>.cfg}): DS makes
 * at most one primitive from it, and none while a factory configuration of that PID exists (it
 * then only logs that the PID "matches an existing factory pid"). The warning names the file or
 * call to use instead. Configurations that exist when this component starts are checked once,
 * later ones as Configuration Admin reports them.
 *
 * <p>Only present with Configuration Admin: goflow.impl imports {@code org.osgi.service.cm}
 * optionally, and without it this component is simply unsatisfied.
 *
 * <p>Thread-safe: stateless; Configuration Admin delivers events on its own thread.
 */
@Component(immediate = true, service = ConfigurationListener.class)
public final class FactoryPidCheck implements ConfigurationListener {
    private static final System.Logger LOG = System.getLogger(Configured.class.getName());
    /** goflow's factory PIDs and the kind each makes. */
    static final Map<String, String> FACTORY_PIDS = factoryPids();

    /**
     * Checks the configurations that exist now.
     *
     * @param cm Configuration Admin
     */
    @Activate
    public FactoryPidCheck(@Reference ConfigurationAdmin cm) {
        StringBuilder filter = new StringBuilder("(|");
        FACTORY_PIDS.keySet().forEach(pid -> filter.append("(service.pid=").append(pid).append(')'));
        try {
            Configuration[] plain = cm.listConfigurations(filter.append(')').toString());
            if (plain != null) {
                for (Configuration c : plain) {
                    check(c.getPid(), c.getFactoryPid());
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            LOG.log(System.Logger.Level.WARNING, "goflow: could not look for plain configurations of goflow's "
                    + "factory PIDs", e);
        }
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() == ConfigurationEvent.CM_UPDATED) {
            check(event.getPid(), event.getFactoryPid());
        }
    }

    private static void check(String pid, String factoryPid) {
        String warning = warning(pid, factoryPid);
        if (warning != null) {
            LOG.log(System.Logger.Level.WARNING, warning);
        }
    }

    /**
     * Returns the warning for a configuration, or null if it deserves none.
     *
     * @param pid its PID
     * @param factoryPid its factory PID, null for a plain configuration
     * @return the warning, naming the file name and call to use instead
     */
    static String warning(String pid, String factoryPid) {
        String kind = FACTORY_PIDS.get(pid);
        if (factoryPid != null || kind == null) {
            return null;
        }
        return "goflow: configuration " + pid + " is a plain configuration, but " + pid + " is the factory PID of "
                + "goflow's " + kind + ": DS makes one " + kind + " from it only while no factory configuration of "
                + pid + " exists, and ignores it otherwise. Make one factory configuration per " + kind
                + " instead: a file deploy/" + pid + "-<name>.cfg, or ConfigurationAdmin.getFactoryConfiguration(\""
                + pid + "\", \"<name>\", \"?\")";
    }

    private static Map<String, String> factoryPids() {
        Map<String, String> m = new TreeMap<>();
        for (Configured.Kind<?, ?> k : new Configured.Kind<?, ?>[] {TokenBucketComponent.KIND,
            LeakyBucketComponent.KIND, ConcurrencyLimiterComponent.KIND, WorkerPoolComponent.KIND,
            SchedulerComponent.KIND, PipelineComponent.KIND}) {
            m.put(k.factoryPid, k.label);
        }
        return Map.copyOf(m);
    }
}
