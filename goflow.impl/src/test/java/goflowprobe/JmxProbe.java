package goflowprobe;

import java.lang.management.ManagementFactory;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import goflow.api.GoFlow;
import goflow.api.ratelimit.RateLimiter;

/**
 * Main class of the child JVMs started by {@code goflow.impl.jmx.PlainJvmJmxIT}: with
 * {@code -Dgoflow.jmx=true} and no OSGi class anywhere, a primitive is an MBean in the platform
 * server while it lives. Prints {@code ok} or what went wrong.
 */
public final class JmxProbe {
    private JmxProbe() {
    }

    /**
     * Runs the check.
     *
     * @param args ignored
     * @throws Exception if the check cannot run
     */
    public static void main(String[] args) throws Exception {
        try {
            Class.forName("org.osgi.framework.Bundle");
            System.out.println("error: OSGi classes are visible, the check proves nothing");
            return;
        } catch (ClassNotFoundException expected) {
            // a plain JVM
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("goflow:type=token-bucket,name=probe-api");
        try (GoFlow goflow = GoFlow.load()) {
            RateLimiter api = goflow.tokenBucket().name("probe-api").rate(100).burst(200).build();
            goflow.workerPool().name("probe-pool").workers(1).build();
            server.invoke(name, "setRate", new Object[] {50.0}, new String[] {"double"});
            if (!Long.valueOf(200).equals(server.getAttribute(name, "burst")) || api.rate().eventsPerSecond() != 50.0
                    || !server.isRegistered(new ObjectName("goflow:type=worker-pool,name=probe-pool"))) {
                System.out.println("error: unexpected MBean state");
                return;
            }
        }
        System.out.println(server.queryNames(new ObjectName("goflow:*"), null).isEmpty() ? "ok"
                : "error: MBeans left after close");
    }
}
