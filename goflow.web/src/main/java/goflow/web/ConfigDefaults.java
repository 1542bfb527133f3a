package goflow.web;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import goflow.api.InvalidConfigException;

/**
 * goflow.web's configurations never take the dashboard, the metrics or a health check down: an
 * attribute whose value DS could not convert ({@code history = lots}), or a configuration whose
 * values are out of range, is logged at ERROR naming the property, the value and the rule, and its
 * default is used instead. (Left to DS, a conversion error fails the component's activation, and
 * with it every servlet that needs the sampler, without naming the property.) Stateless.
 */
final class ConfigDefaults {
    private static final System.Logger LOG = System.getLogger(ConfigDefaults.class.getName());

    private ConfigDefaults() {
    }

    /**
     * Returns {@code config} with every attribute DS could not convert replaced by its default.
     *
     * @param type the component property type
     * @param config the configuration as DS converted it
     * @param properties the raw properties, for the value shown
     * @param pid the PID named in the log
     * @return a configuration whose every attribute can be read
     */
    static <A> A of(Class<A> type, A config, Map<String, Object> properties, String pid) {
        Map<String, Object> values = new HashMap<>();
        boolean anyBad = false;
        for (Method m : type.getDeclaredMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            try {
                values.put(m.getName(), m.invoke(config));
            } catch (InvocationTargetException e) {
                anyBad = true;
                values.put(m.getName(), m.getDefaultValue());
                String key = m.getName().replace('_', '.');
                Object raw = properties.entrySet().stream().filter(p -> p.getKey().equalsIgnoreCase(key))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
                Class<?> t = m.getReturnType();
                String rule = t == double.class ? "must be a decimal number"
                        : t == long.class || t == int.class ? "must be a whole number"
                        : t == boolean.class ? "must be true or false" : "must be a " + t.getSimpleName();
                LOG.log(System.Logger.Level.ERROR, "goflow: configuration " + pid + ": property '" + key + "' = "
                        + shown(raw) + " " + rule + "; its default " + m.getDefaultValue() + " is used");
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
        if (!anyBad) {
            return config;
        }
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            if (values.containsKey(m.getName()) && m.getParameterCount() == 0) {
                return values.get(m.getName());
            }
            return m.invoke(config, args);
        }));
    }

    /** A raw property value as the log shows it: an array (Configuration Admin allows them) by its elements. */
    static String shown(Object raw) {
        if (raw == null || !raw.getClass().isArray()) {
            return String.valueOf(raw);
        }
        List<String> elements = new ArrayList<>();
        for (int i = 0; i < Array.getLength(raw); i++) {
            elements.add(shown(Array.get(raw, i)));
        }
        return elements.toString();
    }

    /** Logs a configuration whose values are out of range, before its defaults are used. */
    static void rejected(String pid, InvalidConfigException e, String instead) {
        LOG.log(System.Logger.Level.ERROR, "goflow: configuration " + pid + ": property '" + e.field() + "' = "
                + e.value() + " " + e.rule() + "; " + instead);
    }
}
