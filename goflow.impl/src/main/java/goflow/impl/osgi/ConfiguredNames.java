package goflow.impl.osgi;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import goflow.api.InvalidConfigException;

/**
 * The names of the primitives made from configurations, framework-wide, each with the PID of the
 * configuration that holds it, so that two configurations never make two primitives of one name
 * (of any kind): the shell and {@code (goflow.name=...)} lookups would pick one arbitrarily. The
 * library refuses a duplicate within one {@code GoFlow}; each configured primitive has its own
 * {@code GoFlow}, hence this table.
 *
 * <p>A configuration refused because its name is held waits for it: when the holder releases the
 * name (its configuration is deleted or renamed), the waiting configurations are retried in the
 * order they were refused; the first takes the name, the others wait again. Retries are not run
 * where the name is released (that thread may hold the releasing configuration's lock) but by
 * {@link #runDue()}, which every configuration calls after releasing its own lock.
 *
 * <p>Thread-safe: {@code owners}, {@code waiting} and {@code counters} are guarded by this
 * object's monitor, which is never held while calling out; {@code due} is a concurrent queue.
 */
final class ConfiguredNames {
    private static final System.Logger LOG = System.getLogger(Configured.class.getName());
    /** Name to the PID of the configuration that holds it. Guarded by this. */
    private final Map<String, String> owners = new HashMap<>();
    /** Name to the configurations (PID to retry) refused because it was held, in refusal order. Guarded by this. */
    private final Map<String, Map<String, Runnable>> waiting = new HashMap<>();
    /** Kind label to the last number generated for an unnamed configuration. Guarded by this. */
    private final Map<String, Long> counters = new HashMap<>();
    /** Retries of configurations whose name was released, to be run by {@link #runDue()}. */
    private final Queue<Runnable> due = new ConcurrentLinkedQueue<>();

    /**
     * Claims a name for a configuration (again, if it already holds it).
     *
     * @param component the kind, for the error
     * @param name the name
     * @param pid the configuration's PID
     * @param retry applies the configuration again; called (through {@link #runDue()}) when the name is released
     * @throws InvalidConfigException naming the configuration that holds the name; the claim then waits for it
     */
    synchronized void claim(String component, String name, String pid, Runnable retry) {
        String owner = owners.putIfAbsent(name, pid);
        if (owner == null || owner.equals(pid)) {
            return;
        }
        waiting.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(pid, retry);
        throw new InvalidConfigException(component, "name", name, "is the name of the primitive of configuration "
                + owner + "; names are unique among configured primitives",
                "choose another name, or delete or rename configuration " + owner
                        + "; this configuration is applied as soon as the name is free");
    }

    /**
     * Claims a generated name {@code <label>-<n>} for an unnamed configuration.
     *
     * @param label the kind label
     * @param pid the configuration's PID
     * @param preferred the name it had before (kept if it is still free), or null
     * @return the name, now held by {@code pid}
     */
    synchronized String generate(String label, String pid, String preferred) {
        if (preferred != null) {
            String owner = owners.putIfAbsent(preferred, pid);
            if (owner == null || owner.equals(pid)) {
                return preferred;
            }
        }
        while (true) {
            long n = counters.merge(label, 1L, Long::sum);
            String name = label + "-" + n;
            if (owners.putIfAbsent(name, pid) == null) {
                return name;
            }
        }
    }

    /**
     * Releases a name held by a configuration; the configurations waiting for it become due.
     *
     * @param name the name
     * @param pid the configuration's PID (nothing happens if another holds the name)
     */
    synchronized void release(String name, String pid) {
        if (!owners.remove(name, pid)) {
            return;
        }
        Map<String, Runnable> w = waiting.remove(name);
        if (w != null) {
            due.addAll(w.values());
        }
    }

    /**
     * Stops a configuration waiting for any name (it was updated or deleted).
     *
     * @param pid the configuration's PID
     */
    synchronized void forget(String pid) {
        waiting.values().forEach(w -> w.remove(pid));
        waiting.values().removeIf(Map::isEmpty);
    }

    /**
     * Returns the PID of the configuration holding a name.
     *
     * @param name the name
     * @return the PID, or null
     */
    synchronized String owner(String name) {
        return owners.get(name);
    }

    /**
     * Runs the retries that became due, including those that become due while running them. A
     * retry that fails is logged and the others still run.
     */
    void runDue() {
        for (Runnable r = due.poll(); r != null; r = due.poll()) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "goflow: retrying a configuration waiting for a name failed", e);
            }
        }
    }
}
