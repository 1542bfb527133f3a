package goflow.redis.internal.osgi;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Locale;

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
