package goflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/** The dashboard names a plugin as goflow.impl's Plugins binds it, whatever the type of its name property. */
class PluginsTest {
    private static <T> T proxy(Class<T> type, java.util.function.BiFunction<String, Object[], Object> answer) {
        return type.cast(Proxy.newProxyInstance(PluginsTest.class.getClassLoader(), new Class<?>[] {type},
                (p, m, args) -> answer.apply(m.getName(), args)));
    }

    private static ServiceReference<?> service(Object name) {
        Bundle bundle = proxy(Bundle.class, (m, args) -> m.equals("getSymbolicName") ? "goflow.plugin.text" : null);
        Map<String, Object> props = Map.of(Plugins.STAGE_NAME, name);
        return proxy(ServiceReference.class, (m, args) -> switch (m) {
            case "getProperty" -> props.get((String) args[0]);
            case "getBundle" -> bundle;
            default -> null;
        });
    }

    @Test
    void aNamePropertyOfOneElementArrayIsThatNameAndOfSeveralIsMarkedUnbound() {
        ServiceReference<?>[] refs = {service("trim"), service(new String[] {"upper"}), service(List.of("lower")),
            service(new String[] {"a", "b"})};
        BundleContext context = proxy(BundleContext.class, (m, args) -> m.equals("getAllServiceReferences")
                ? refs : null);
        assertEquals(List.of("[a, b] (not bound: goflow.stage.name must be one name)", "lower", "trim", "upper"),
                Plugins.of(context).list(Plugins.STAGE_NAME).stream().map(Plugins.Plugin::name).toList());
    }
}
