package goflow.redis.internal.osgi;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

import org.osgi.framework.ServiceRegistration;

import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.redis.FailurePolicy;

/** Reading and reporting the values of goflow.redis's configurations, the same for each PID. Stateless. */
final class ConfigValues {
    private static final System.Logger LOG = System.getLogger(ConfigValues.class.getName());

    private ConfigValues() {
    }

    /** Returns the name of a factory configuration ({@code <factoryPid>~<name>}), else {@code fallback}. */
    static String defaultName(String pid, String fallback) {
        int tilde = pid.indexOf('~');
        return tilde >= 0 && tilde < pid.length() - 1 ? pid.substring(tilde + 1) : fallback;
    }

    /**
     * Reads every attribute of {@code config} once, so that a value DS could not convert to the
     * attribute's type ({@code rate = fast}) is rejected here, naming the property and the value,
     * before anything is built; DS's own failure, thrown when the attribute is read, names neither.
     *
     * @param component the kind named in the error
     * @param type the component property type
     * @param config the configuration as DS converted it
     * @param properties the raw properties, for the value shown
     * @throws InvalidConfigException for the first attribute that cannot be read
     */
    static <A> void checkTypes(String component, Class<A> type, A config, Map<String, Object> properties) {
        for (Method m : type.getDeclaredMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            try {
                m.invoke(config);
            } catch (InvocationTargetException e) {
                Object raw = properties.entrySet().stream().filter(p -> p.getKey().equalsIgnoreCase(m.getName()))
                        .map(Map.Entry::getValue).findFirst().orElse(null);
                Class<?> t = m.getReturnType();
                String rule = t == double.class || t == float.class ? "must be a decimal number"
                        : t == long.class || t == int.class ? "must be a whole number"
                        : t == boolean.class ? "must be true or false" : "must be a " + t.getSimpleName();
                throw new InvalidConfigException(component, m.getName(), raw, rule,
                        "the value could not be converted: " + e.getCause().getMessage());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Parses a failure policy, in any case. */
    static FailurePolicy policy(String component, String value) {
        try {
            return FailurePolicy.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidConfigException(component, "failurePolicy", value,
                    "must be FAIL_CLOSED, FAIL_OPEN or LOCAL", "what allow() decides while Redis cannot answer");
        }
    }

    /** Parses an ISO-8601 duration such as {@code PT0.1S}. */
    static Duration duration(String component, String field, String value) {
        try {
            return Duration.parse(value.trim());
        } catch (DateTimeParseException | NullPointerException e) {
            throw new InvalidConfigException(component, field, value, "must be an ISO-8601 duration",
                    "for example PT0.1S or PT10M");
        }
    }

    /**
     * Applies the local lease properties through {@code apply} (a builder's {@code localLease}),
     * unless {@code tokens} is 0 (no lease). The builder names its arguments
     * {@code localLease.tokens} and {@code localLease.maxAge}; a refused value is reported under the
     * configuration's own property, {@code localLeaseTokens} or {@code localLeaseMaxAge}.
     */
    static void localLease(String component, int tokens, String maxAge, BiConsumer<Integer, Duration> apply) {
        if (tokens == 0) {
            return;
        }
        Duration age = duration(component, "localLeaseMaxAge", maxAge);
        try {
            apply.accept(tokens, age);
        } catch (InvalidConfigException e) {
            if (e.field().equals("localLease.tokens")) {
                throw new InvalidConfigException(component, "localLeaseTokens", tokens,
                        "must be 0 (no lease) or from 2 to 1000000", e.hint());
            } else if (e.field().equals("localLease.maxAge")) {
                throw new InvalidConfigException(component, "localLeaseMaxAge", maxAge, e.rule(), e.hint());
            }
            throw e;
        }
    }

    /** Logs a rejected configuration at ERROR, naming the property, the value and the rule. */
    static void rejected(String pid, String factoryPid, InvalidConfigException e) {
        LOG.log(System.Logger.Level.ERROR, "goflow: configuration " + pid + " (factory " + factoryPid
                + ") rejected: property '" + e.field() + "' = " + e.value() + " " + e.rule());
    }

    /** The service properties of a configured limiter. */
    static Dictionary<String, Object> serviceProperties(Primitive p, String pid) {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("goflow.name", p.name());
        props.put("goflow.kind", p.kind().label());
        props.put("goflow.config.pid", pid);
        return props;
    }

    /** Unregisters, tolerating a registration the stopping bundle already removed. */
    static void unregister(ServiceRegistration<?> registration) {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping
            }
        }
    }
}
