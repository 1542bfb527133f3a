package goflow.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * The resolve check: goflow.api and goflow.impl resolve and start in a bare Felix framework with
 * nothing but Declarative Services (and what it needs) and Configuration Admin, and register the
 * GoFlow and Registry services; stopping the framework leaves no goflow thread behind.
 */
class ResolveIT {

    @Test
    void apiAndImplResolveAndStartWithOnlyScrAndConfigAdmin() throws Exception {
        File storage = new File(Runtime.BUNDLES.getParentFile(), "resolve-check-framework");
        Framework fw = ServiceLoader.load(FrameworkFactory.class).iterator().next().newFramework(Map.of(
                Constants.FRAMEWORK_STORAGE, storage.getAbsolutePath(),
                Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT));
        fw.start();
        try {
            BundleContext ctx = fw.getBundleContext();
            List<Bundle> installed = new ArrayList<>();
            for (String name : List.of("org.osgi.util.function", "org.osgi.util.promise",
                    "org.osgi.service.component", "org.apache.felix.scr", "org.apache.felix.configadmin",
                    "goflow.api", "goflow.impl")) {
                installed.add(ctx.installBundle(new File(Runtime.BUNDLES, name + ".jar").toURI().toString()));
            }
            for (Bundle b : installed) {
                b.start();
            }
            for (Bundle b : installed) {
                assertEquals(Bundle.ACTIVE, b.getState(), b.getSymbolicName() + " is not active");
            }
            ServiceReference<?> goflow = await(ctx, "goflow.api.GoFlow");
            assertEquals("bundle", goflow.getProperty(Constants.SERVICE_SCOPE));
            assertEquals("goflow.impl", goflow.getBundle().getSymbolicName());
            assertNotNull(await(ctx, "goflow.api.inspect.Registry"));
        } finally {
            fw.stop();
            fw.waitForStop(TimeUnit.SECONDS.toMillis(30));
        }
        assertTrue(Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.isAlive() && t.getName().startsWith("goflow-") && !t.getName().equals("goflow-timer")),
                "no goflow thread survives the framework");
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
