package goflow.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import goflow.api.ClosedException;
import goflow.api.GoFlowException;
import goflow.api.Primitive;
import goflow.api.inspect.PrimitiveInfo;
import goflow.api.inspect.Registry;
import goflow.api.pool.WorkerPool;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.ConcurrencyLimiter;
import goflow.api.ratelimit.LeakyBucket;
import goflow.api.ratelimit.RateLimiter;

/**
 * The live changes the dashboard may make (when enabled): a rate limiter's rate and burst, a
 * leaky bucket's or concurrency limiter's capacity, a pool's workers. A value is parsed here and
 * refused, naming the field, the value and the rule, when the primitive cannot hold it; a value in
 * range that the primitive refuses fails with the primitive's own message. A name that primitives of
 * several owners have is refused: the registry finds primitives by name only. Nothing changes then.
 *
 * <p>Thread-safe: the registry and the primitives are.
 */
final class Controls {
    private final Registry registry;

    Controls(Registry registry) {
        this.registry = registry;
    }

    /** A change refused: the HTTP status and the message for the page. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        private final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    /**
     * Applies a change.
     *
     * @param name the primitive's name
     * @param field {@code rate}, {@code burst}, {@code capacity}, {@code limit} (adaptive limiters) or
     *     {@code workers}
     * @param value the new value as typed
     * @return what changed: {@code <name> <field>: <before> -> <after>}
     * @throws Refused 400 naming the parameters missing, 404 for an unknown primitive, 409 for a name
     *     that several live primitives have (of different owners: which one the page showed is
     *     unknown) or for a primitive closed since it was looked up, 400 for a field it has not or a
     *     bad value
     */
    String change(String name, String field, String value) throws Refused {
        if (name == null || field == null || value == null) {
            List<String> missing = new ArrayList<>();
            for (String[] p : new String[][] {{"name", name}, {"field", field}, {"value", value}}) {
                if (p[1] == null) {
                    missing.add(p[0]);
                }
            }
            throw new Refused(400, "missing " + String.join(", ", missing) + " (the form fields name, field and value"
                    + " are required)");
        }
        if (registry.primitives().stream().filter(p -> p.name().equals(name)).count() > 1) {
            List<String> owners = new ArrayList<>();
            for (PrimitiveInfo row : registry.snapshot()) {
                if (row.name().equals(name)) {
                    owners.add(row.owner());
                }
            }
            throw new Refused(409, "several live primitives are named '" + name + "' (owners " + String.join(", ",
                    owners) + "): the dashboard cannot tell which one to change; change it through its owner");
        }
        Primitive p = registry.find(name).orElseThrow(() -> new Refused(404, "no live primitive is named '" + name
                + "'; live: " + names()));
        if (!DashboardState.controls(p.kind()).contains(field)) {
            throw new Refused(400, p.kind().label() + " '" + name + "' has no live " + field + "; it takes: "
                    + String.join(", ", DashboardState.controls(p.kind())));
        }
        Class<?> type = switch (field) {
            case "rate", "burst" -> RateLimiter.class;
            case "capacity" -> p.kind() == Primitive.Kind.CONCURRENCY_LIMITER ? ConcurrencyLimiter.class : LeakyBucket.class;
            case "limit" -> AdaptiveLimiter.class;
            default -> WorkerPool.class;
        };
        if (!type.isInstance(p)) { // a plugin's primitive listed under that kind
            throw new Refused(400, p.kind().label() + " '" + name + "' is not a goflow " + type.getSimpleName()
                    + ": its " + field + " cannot be changed from the dashboard");
        }
        try {
            switch (field) {
                case "rate": {
                    RateLimiter l = (RateLimiter) p;
                    double before = l.rate().eventsPerSecond();
                    l.setRate(rate(value));
                    return changed(name, field, before, l.rate().eventsPerSecond());
                }
                case "burst": {
                    RateLimiter l = (RateLimiter) p;
                    long before = l.burst();
                    l.setBurst(whole(field, value, 1, RateLimiter.MAX_BURST));
                    return changed(name, field, before, l.burst());
                }
                case "capacity": {
                    if (p instanceof ConcurrencyLimiter c) {
                        int before = c.capacity();
                        c.setCapacity((int) whole(field, value, 1, Integer.MAX_VALUE));
                        return changed(name, field, before, c.capacity());
                    }
                    LeakyBucket b = (LeakyBucket) p;
                    long before = b.capacity();
                    b.setCapacity(whole(field, value, 1, RateLimiter.MAX_BURST));
                    return changed(name, field, before, b.capacity());
                }
                case "limit": {
                    AdaptiveLimiter l = (AdaptiveLimiter) p;
                    int before = l.limit();
                    l.setLimit((int) whole(field, value, 1, Integer.MAX_VALUE));
                    return changed(name, field, before, l.limit());
                }
                default: {
                    WorkerPool pool = (WorkerPool) p;
                    int before = pool.workers();
                    pool.setWorkers((int) whole(field, value, 1, Integer.MAX_VALUE));
                    return changed(name, field, before, pool.workers());
                }
            }
        } catch (ClosedException e) { // closed since the lookup (its owner stopping): its state, not the request
            throw new Refused(409, e.getMessage());
        } catch (GoFlowException | IllegalArgumentException e) {
            throw new Refused(400, e.getMessage());
        }
    }

    /**
     * The names of the live primitives that take changes, sorted, the first {@value #NAMES_SHOWN}
     * of them: a framework may hold thousands, and the answer is for a person.
     */
    private String names() {
        List<String> names = new ArrayList<>();
        for (Primitive p : registry.primitives()) {
            if (!DashboardState.controls(p.kind()).isEmpty()) {
                names.add(p.name());
            }
        }
        if (names.isEmpty()) {
            return "none that can be changed";
        }
        names.sort(null);
        int more = names.size() - NAMES_SHOWN;
        // as the shell lists names (goflow.shell Names.list)
        return more > 0 ? String.join(", ", names.subList(0, NAMES_SHOWN)) + ", ... (" + more + " more)"
                : String.join(", ", names);
    }

    /** How many names a refusal for an unknown name lists at most. */
    static final int NAMES_SHOWN = 20;

    private static double rate(String value) throws Refused {
        String v = value.trim();
        double d;
        try {
            d = v.equalsIgnoreCase("infinity") ? Double.POSITIVE_INFINITY : Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new Refused(400, "invalid rate='" + value + "' (must be a number of events per second, 0 or more,"
                    + " or Infinity)");
        }
        if (Double.isNaN(d) || d < 0 || (d == 0 && v.matches("(?i)[^e]*[1-9].*"))
                || (Double.isInfinite(d) && !v.equalsIgnoreCase("infinity"))) {
            throw new Refused(400, "invalid rate='" + value + "' (must be a number of events per second, 0 or more,"
                    + " or Infinity, that a double holds)");
        }
        return d;
    }

    private static long whole(String field, String value, long min, long max) throws Refused {
        long n;
        try {
            n = Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            n = Long.MIN_VALUE;
        }
        if (n < min || n > max) {
            throw new Refused(400, "invalid " + field + "='" + value + "' (must be a whole number from " + min + " to "
                    + max + ")");
        }
        return n;
    }

    private static String changed(String name, String field, Object before, Object after) {
        return String.format(Locale.ROOT, "%s %s: %s -> %s", name, field, before, after);
    }
}
