package goflow.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;

import goflow.impl.testing.LogCapture;

class FactoryPidCheckTest {
    @RegisterExtension
    final LogCapture logCapture = new LogCapture(Configured.class.getName());
    private final List<String> log = logCapture.lines();
    private final List<String> filters = new CopyOnWriteArrayList<>();

    private static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler h) {
        return type.cast(Proxy.newProxyInstance(FactoryPidCheckTest.class.getClassLoader(), new Class<?>[] {type}, h));
    }

    private static Configuration configuration(String pid, String factoryPid) {
        return proxy(Configuration.class, (p, m, a) -> {
            switch (m.getName()) {
                case "getPid":
                    return pid;
                case "getFactoryPid":
                    return factoryPid;
                default:
                    throw new UnsupportedOperationException(m.getName());
            }
        });
    }

    /** A Configuration Admin whose only method lists {@code existing}, recording the filter. */
    private ConfigurationAdmin cm(Configuration... existing) {
        return proxy(ConfigurationAdmin.class, (p, m, a) -> {
            if (m.getName().equals("listConfigurations")) {
                filters.add((String) a[0]);
                return existing.length == 0 ? null : existing;
            }
            throw new UnsupportedOperationException(m.getName());
        });
    }

    @SuppressWarnings("unchecked")
    private static ConfigurationEvent event(int type, String factoryPid, String pid) {
        ServiceReference<ConfigurationAdmin> ref = proxy(ServiceReference.class, (p, m, a) -> {
            throw new UnsupportedOperationException(m.getName());
        });
        return new ConfigurationEvent(ref, type, factoryPid, pid);
    }

    @Test
    void everyFactoryPidOfGoflowIsKnown() {
        assertEquals(Set.of("goflow.tokenbucket", "goflow.leakybucket", "goflow.concurrencylimiter", "goflow.adaptivelimiter",
                "goflow.workerpool",
                "goflow.scheduler", "goflow.pipeline"), FactoryPidCheck.FACTORY_PIDS.keySet());
    }

    @Test
    void aPlainConfigurationOfAFactoryPidGetsTheFileNameToUse() {
        assertEquals("goflow: configuration goflow.tokenbucket is a plain configuration, but goflow.tokenbucket is the "
                + "factory PID of goflow's token-bucket: DS makes one token-bucket from it only while no factory "
                + "configuration of goflow.tokenbucket exists, and ignores it otherwise. Make one factory "
                + "configuration per token-bucket instead: a file deploy/goflow.tokenbucket-<name>.cfg, or "
                + "ConfigurationAdmin.getFactoryConfiguration(\"goflow.tokenbucket\", \"<name>\", \"?\")",
                FactoryPidCheck.warning("goflow.tokenbucket", null));
        assertNull(FactoryPidCheck.warning("goflow.tokenbucket~api", "goflow.tokenbucket"));
        assertNull(FactoryPidCheck.warning("goflow.demo", null));
    }

    @Test
    void existingConfigurationsAreCheckedAtStart() {
        new FactoryPidCheck(cm(configuration("goflow.workerpool", null)));
        assertEquals(1, filters.size());
        for (String pid : FactoryPidCheck.FACTORY_PIDS.keySet()) {
            assertTrue(filters.get(0).contains("(service.pid=" + pid + ")"), filters.get(0));
        }
        assertEquals(List.of("WARNING " + FactoryPidCheck.warning("goflow.workerpool", null)), log);
    }

    @Test
    void updatesOfPlainConfigurationsOfAFactoryPidAreWarnedAbout() {
        FactoryPidCheck check = new FactoryPidCheck(cm());
        check.configurationEvent(event(ConfigurationEvent.CM_UPDATED, "goflow.pipeline", "goflow.pipeline~text"));
        check.configurationEvent(event(ConfigurationEvent.CM_UPDATED, null, "goflow.demo"));
        check.configurationEvent(event(ConfigurationEvent.CM_DELETED, null, "goflow.pipeline"));
        assertEquals(List.of(), log);
        check.configurationEvent(event(ConfigurationEvent.CM_UPDATED, null, "goflow.pipeline"));
        assertEquals(List.of("WARNING " + FactoryPidCheck.warning("goflow.pipeline", null)), log);
    }
}
