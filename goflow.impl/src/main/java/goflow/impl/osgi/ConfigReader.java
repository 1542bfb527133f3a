package goflow.impl.osgi;

import java.lang.annotation.Annotation;
import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

import goflow.api.InvalidConfigException;

/**
 * Reads the raw properties of a configuration (as Configuration Admin and DS hand them over:
 * strings from a {@code .cfg} file, typed values from a {@code .config} file or the API) into an
 * instance of the component property type that describes them, the annotation type the bundle's
 * Metatype is generated from. Every attribute is converted at once, so a value of the wrong type
 * fails here with an {@link InvalidConfigException} naming the property, the value and the rule,
 * before anything is built; an absent attribute takes the annotation's default.
 *
 * <p>Why not let DS convert: DS converts component property types itself, and a value it cannot
 * convert ({@code workers = two}) fails the component's activation with a trace that never names
 * the property, and leaves it failed until the framework restarts.
 *
 * <p>Property names are the attribute names (no {@code _} or {@code $} mapping); they are matched
 * without regard to case, as Configuration Admin does. Conversions: {@code String} takes any
 * single value; {@code int} and {@code long} take whole numbers (digits, or an integral number
 * object) in their range; {@code double} takes a decimal number ({@code 10}, {@code 0.5},
 * {@code 2e3}, {@code Infinity}) that a {@code double} holds: not one that would silently become
 * infinite ({@code 1e400}) or, when it is not zero, zero ({@code 1e-400}); {@code -0} is read as
 * {@code 0}; {@code boolean} takes {@code true} or {@code false} in any case
 * (nothing else: {@code maybe} is not silently {@code false}); {@code String[]} takes a list, an
 * array or one value.
 *
 * <p>Immutable and thread-safe; the instances it returns are immutable too.
 *
 * @param <A> the component property type
 */
final class ConfigReader<A extends Annotation> {
    private static final Pattern WHOLE = Pattern.compile("[+-]?\\d+");
    private static final Pattern DECIMAL =
            Pattern.compile("[+-]?(NaN|Infinity|(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?)");

    private final Class<A> type;
    private final String component;
    /** The attributes by property name, sorted by name. */
    private final Map<String, Method> attributes = new TreeMap<>();

    /**
     * Creates a reader.
     *
     * @param type the component property type
     * @param component the kind reported in errors, e.g. {@code worker-pool}
     * @throws IllegalArgumentException if an attribute has a type this reader does not convert,
     *     or a name that DS would map to another property name
     */
    ConfigReader(Class<A> type, String component) {
        this.type = type;
        this.component = component;
        for (Method m : type.getDeclaredMethods()) {
            Class<?> t = m.getReturnType();
            if (t != String.class && t != int.class && t != long.class && t != double.class && t != boolean.class
                    && t != String[].class) {
                throw new IllegalArgumentException(type.getName() + "." + m.getName() + ": unsupported type " + t);
            }
            if (m.getName().contains("_") || m.getName().contains("$")) {
                throw new IllegalArgumentException(type.getName() + "." + m.getName() + ": name DS would map");
            }
            attributes.put(m.getName(), m);
        }
    }

    /**
     * Returns the property names this reader knows, sorted.
     *
     * @return the attribute names
     */
    List<String> names() {
        return List.copyOf(attributes.keySet());
    }

    /**
     * Converts the properties.
     *
     * @param properties the configuration's properties
     * @return the configuration; each attribute returns the converted value, or its default
     * @throws InvalidConfigException naming the first property (by name) whose value does not convert
     */
    A read(Map<String, ?> properties) {
        Map<String, Object> values = new TreeMap<>();
        for (Method m : attributes.values()) {
            Object raw = lookup(properties, m.getName());
            values.put(m.getName(), raw == null ? m.getDefaultValue() : convert(m.getName(), m.getReturnType(), raw));
        }
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
            switch (method.getName()) {
                case "annotationType":
                    return type;
                case "toString":
                    return "@" + type.getName() + values;
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                default:
                    Object v = values.get(method.getName());
                    return v instanceof String[] ? ((String[]) v).clone() : v;
            }
        }));
    }

    /**
     * Returns the keys of {@code properties} that are neither an attribute nor a key the
     * framework, DS, Configuration Admin or FileInstall adds, each with the nearest attribute.
     *
     * @param properties the configuration's properties
     * @return one line per unknown key, e.g. {@code unknown property 'ratee' is ignored; did you mean 'rate'?}
     */
    List<String> unknownKeys(Map<String, ?> properties) {
        List<String> unknown = new ArrayList<>();
        for (String key : new TreeMap<>(properties).keySet()) {
            if (isFrameworkKey(key) || attributes.keySet().stream().anyMatch(key::equalsIgnoreCase)) {
                continue;
            }
            String nearest = attributes.keySet().stream()
                    .min(Comparator.comparingInt((String a) -> distance(a.toLowerCase(Locale.ROOT),
                            key.toLowerCase(Locale.ROOT))).thenComparing(a -> a))
                    .orElse("");
            unknown.add("unknown property '" + key + "' is ignored; did you mean '" + nearest + "'? (known: "
                    + String.join(", ", attributes.keySet()) + ")");
        }
        return unknown;
    }

    /** Keys that the framework, DS, Configuration Admin or FileInstall put into a configuration. */
    static boolean isFrameworkKey(String key) {
        return key.startsWith("service.") || key.startsWith("component.") || key.startsWith("felix.")
                || key.startsWith("osgi.") || key.startsWith("event.") || key.startsWith(":")
                || key.startsWith("org.apache.felix.") || key.endsWith(".target")
                || key.endsWith(".cardinality.minimum") || key.equals("objectClass");
    }

    private static Object lookup(Map<String, ?> properties, String name) {
        Object exact = properties.get(name);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, ?> e : properties.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    private Object convert(String name, Class<?> to, Object raw) {
        if (to == String[].class) {
            List<Object> items = items(raw);
            String[] out = new String[items.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = String.valueOf(items.get(i));
            }
            return out;
        }
        Object value = single(name, raw);
        if (to == String.class) {
            return String.valueOf(value);
        }
        if (to == boolean.class) {
            return bool(name, value);
        }
        if (to == double.class) {
            return decimal(name, value);
        }
        if (to == int.class) {
            return (int) whole(name, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        return whole(name, value, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    private static List<Object> items(Object raw) {
        List<Object> items = new ArrayList<>();
        if (raw instanceof Collection) {
            items.addAll((Collection<?>) raw);
        } else if (raw.getClass().isArray()) {
            for (int i = 0; i < Array.getLength(raw); i++) {
                items.add(Array.get(raw, i));
            }
        } else {
            items.add(raw);
        }
        items.removeIf(Objects::isNull);
        return items;
    }

    private Object single(String name, Object raw) {
        List<Object> items = items(raw);
        if (items.size() != 1) {
            throw new InvalidConfigException(component, name, shown(raw), "must be a single value, not a list of "
                    + items.size(), "");
        }
        return items.get(0);
    }

    private boolean bool(String name, Object value) {
        if (value instanceof Boolean) {
            return (Boolean) value;
        }
        String s = String.valueOf(value).trim();
        if (s.equalsIgnoreCase("true")) {
            return true;
        }
        if (s.equalsIgnoreCase("false")) {
            return false;
        }
        throw new InvalidConfigException(component, name, value, "must be true or false", "");
    }

    private double decimal(String name, Object value) {
        if (value instanceof Double || value instanceof Float) {
            return ((Number) value).doubleValue() + 0.0; // -0 is 0
        }
        double d;
        boolean nonZero;
        if (value instanceof Number) {
            d = ((Number) value).doubleValue();
            nonZero = value instanceof BigDecimal ? ((BigDecimal) value).signum() != 0 : d != 0;
        } else {
            String s = String.valueOf(value).trim();
            if (!DECIMAL.matcher(s).matches()) {
                throw new InvalidConfigException(component, name, value, "must be a number",
                        "for example 10, 0.5 or 2e3");
            }
            d = Double.parseDouble(s);
            if (s.endsWith("NaN") || s.endsWith("Infinity")) {
                return d;
            }
            nonZero = s.split("[eE]")[0].chars().anyMatch(c -> c >= '1' && c <= '9');
        }
        if (Double.isInfinite(d)) {
            throw new InvalidConfigException(component, name, value, "must be a number from -" + Double.MAX_VALUE
                    + " to " + Double.MAX_VALUE + ", or Infinity", "a larger number would silently become Infinity");
        }
        if (d == 0 && nonZero) {
            throw new InvalidConfigException(component, name, value, "must be 0 or at least " + Double.MIN_VALUE
                    + " in magnitude", "a smaller number would silently become 0");
        }
        return d + 0.0; // -0 is 0
    }

    private long whole(String name, Object value, long min, long max) {
        String rule = "must be a whole number from " + min + " to " + max;
        BigDecimal n;
        if (value instanceof Number) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new InvalidConfigException(component, name, value, rule, "");
            }
            n = value instanceof Double || value instanceof Float ? BigDecimal.valueOf(d) : new BigDecimal(value.toString());
        } else {
            String s = String.valueOf(value).trim();
            if (!WHOLE.matcher(s).matches()) {
                throw new InvalidConfigException(component, name, value, rule, "digits only, for example 4");
            }
            n = new BigDecimal(s);
        }
        if (n.stripTrailingZeros().scale() > 0 || n.compareTo(BigDecimal.valueOf(min)) < 0
                || n.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new InvalidConfigException(component, name, value, rule, "");
        }
        return n.longValueExact();
    }

    private static Object shown(Object raw) {
        return raw.getClass().isArray() ? items(raw) : raw;
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
