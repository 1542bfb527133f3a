package goflow.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;

/** The shell names a plugin as goflow.impl's Plugins binds it, whatever the type of its name property. */
class PluginListerTest {
    private static <T> T proxy(Class<T> type, java.util.function.BiFunction<String, Object[], Object> answer) {
        return type.cast(Proxy.newProxyInstance(PluginListerTest.class.getClassLoader(), new Class<?>[] {type},
                (p, m, args) -> answer.apply(m.getName(), args)));
    }

    private static ServiceReference<?> service(long id, Object name) {
        Bundle bundle = proxy(Bundle.class, (m, args) -> m.equals("getSymbolicName") ? "goflow.plugin.text" : null);
        Map<String, Object> props = Map.of(PluginLister.STAGE_NAME, name, Constants.SERVICE_ID, id,
                Constants.OBJECTCLASS, new String[] {"goflow.api.pipeline.Stage"});
        return proxy(ServiceReference.class, (m, args) -> switch (m) {
            case "getProperty" -> props.get((String) args[0]);
            case "getBundle" -> bundle;
            default -> null;
        });
    }

    @Test
    void aNamePropertyOfOneElementArrayIsThatNameAndOfSeveralIsMarkedUnbound() {
        ServiceReference<?>[] refs = {
            service(1, "trim"),
            service(2, new String[] {"upper"}),
            service(3, List.of("lower")),
            service(4, new String[] {"a", "b"}),
            service(5, new String[0]),
        };
        BundleContext context = proxy(BundleContext.class, (m, args) -> m.equals("getAllServiceReferences")
                ? refs : null);
        List<String> names = PluginLister.of(context).list(PluginLister.STAGE_NAME).stream()
                .map(PluginLister.Plugin::name).toList();
        assertEquals(List.of("[] (not bound: goflow.stage.name must be one name)",
                "[a, b] (not bound: goflow.stage.name must be one name)", "lower", "trim", "upper"), names);
    }
}
