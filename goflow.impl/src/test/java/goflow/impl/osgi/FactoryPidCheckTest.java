package goflow.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;

class FactoryPidCheckTest {
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            log.add(r.getLevel() + " " + r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    /** Held strongly: JUL keeps loggers only weakly. */
    private final Logger logger = Logger.getLogger(Configured.class.getName());
    private final List<String> filters = new CopyOnWriteArrayList<>();

    @BeforeEach
    void captureLog() {
        logger.addHandler(capture);
        logger.setUseParentHandlers(false);
    }

    @AfterEach
    void stopCapture() {
        logger.removeHandler(capture);
        logger.setUseParentHandlers(true);
    }

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
        assertEquals(Set.of("goflow.tokenbucket", "goflow.leakybucket", "goflow.concurrencylimiter", "goflow.workerpool",
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
