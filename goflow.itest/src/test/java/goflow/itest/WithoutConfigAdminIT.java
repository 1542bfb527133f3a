package goflow.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * goflow.impl imports {@code org.osgi.service.cm} (Configuration Admin) optionally: in a framework
 * with Declarative Services but no Configuration Admin it still resolves and starts and offers the
 * GoFlow and Registry services; only the configuration components stay unsatisfied.
 */
class WithoutConfigAdminIT {

    @Test
    void implResolvesAndServesWithoutConfigurationAdmin() throws Exception {
        File storage = new File(Runtime.BUNDLES.getParentFile(), "without-configadmin-framework");
        Framework fw = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, storage.getAbsolutePath(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        fw.start();
        try {
            BundleContext ctx = fw.getBundleContext();
            List<Bundle> installed = new ArrayList<>();
            for (String name : List.of("org.osgi.util.function", "org.osgi.util.promise",
                    "org.osgi.service.component", "org.apache.felix.scr", "goflow.api", "goflow.impl")) {
                installed.add(ctx.installBundle(new File(Runtime.BUNDLES, name + ".jar").toURI().toString()));
            }
            for (Bundle b : installed) {
                b.start();
            }
            for (Bundle b : installed) {
                assertEquals(Bundle.ACTIVE, b.getState(), b.getSymbolicName() + " is not active");
            }
            assertEquals("goflow.impl", await(ctx, "goflow.api.GoFlow").getBundle().getSymbolicName());
            assertNotNull(await(ctx, "goflow.api.inspect.Registry"));
            assertNull(ctx.getAllServiceReferences("org.osgi.service.cm.ConfigurationListener", null),
                    "the plain-PID check needs Configuration Admin and is not registered without it");
        } finally {
            fw.stop();
            fw.waitForStop(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private static ServiceReference<?> await(BundleContext ctx, String type) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() - end < 0) {
            // all references: the test class path has its own goflow.api, not the bundle's
            ServiceReference<?>[] refs = ctx.getAllServiceReferences(type, null);
            if (refs != null) {
                return refs[0];
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + type + " service within 10 s");
    }
}
