package goflow.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.BundleContext;

import goflow.api.Clock;
import goflow.api.schedule.Lease;
import goflow.api.schedule.LeaseProvider;
import goflow.api.schedule.Scheduler;
import goflow.impl.testing.Eventually;
import goflow.impl.testing.MemoryLeases;
import goflow.impl.testing.LogCapture;
import goflow.impl.testing.NoThreadLeaks;

/**
 * A configured scheduler with {@code leases=<name>} runs its tasks once per cluster on the
 * LeaseProvider service of that name, followed as DS binds and unbinds it: no provider, no runs
 * (never a fall-back to running on every node); a provider that goes and another that comes take
 * over without recreating the scheduler. (The real provider on Redis: goflow.redis's RedisIT and
 * FleetScheduleIT.)
 */
class SchedulerLeasesConfigTest extends NoThreadLeaks.LeakCheckedTest {
    private final List<Fakes.Registered> registered = Fakes.registrations();
    private final BundleContext context = Fakes.context(registered);
    private final LiveRegistry live = new LiveRegistry();
    private final MemoryLeases store = new MemoryLeases(Clock.system());
    /** The fencing tokens the runs saw. */
    private final Map<Long, Boolean> tokens = new ConcurrentHashMap<>();
    @RegisterExtension
    final LogCapture logCapture = new LogCapture(Configured.class.getName());
    private final List<String> log = logCapture.lines();

    private Scheduler scheduler(String name) {
        List<Fakes.Registered> found = registered.stream().filter(r -> name.equals(r.property("goflow.name")))
                .collect(Collectors.toList());
        assertEquals(1, found.size(), "services named " + name + ": " + registered + " " + log);
        return (Scheduler) found.get(0).service();
    }

    private static Map<String, Object> named(String leaseName) {
        return Map.of(LeaseProvider.NAME_PROPERTY, leaseName, "service.id", 42L);
    }

    @Test
    void tasksRunOnlyWithTheNamedProvidersLeaseAndFollowItAsItComesAndGoes() {
        SchedulerComponent c = new SchedulerComponent(context,
                Fakes.props(SchedulerConfig.PID, "fleet", "leases", "redis", "leaseTtl", "PT0.5S"), live);
        Scheduler s = scheduler("fleet");
        // each run records the node whose lease it runs under (the run's context carries the lease)
        Set<String> holders = ConcurrentHashMap.newKeySet();
        s.every(Duration.ofMillis(20), ctx -> {
            Lease lease = ctx.value(Lease.CONTEXT_KEY).orElseThrow();
            tokens.put(lease.fencingToken(), true);
            store.holder(lease.name()).ifPresent(holders::add); // (absent only if it ran out mid-run)
        });

        // no provider registered: every run is skipped, none runs as if there were no cluster
        Eventually.until(() -> s.stats().skipped() >= 3);
        assertEquals(0, s.stats().runs(), s.stats().toString());

        // a provider of another name changes nothing
        c.addLeaseProvider(store.node("other"), named("zookeeper"));
        long skipped = s.stats().skipped();
        Eventually.until(() -> s.stats().skipped() >= skipped + 3);
        assertEquals(0, s.stats().runs());

        // the named provider arrives: runs take its lease
        MemoryLeases.Node a = store.node("a");
        c.addLeaseProvider(a, named("redis"));
        Eventually.until(() -> s.stats().runs() >= 3);
        assertEquals(Set.of("a"), holders);

        // it goes: runs are skipped again
        c.removeLeaseProvider(a);
        long runs = s.stats().runs();
        long skippedAgain = s.stats().skipped();
        Eventually.until(() -> s.stats().skipped() >= skippedAgain + 3);
        assertTrue(s.stats().runs() <= runs + 1, "at most the run in flight: " + s.stats());

        // another provider of the name comes: the old lease (held by a) is not renewed through it;
        // once it runs out, the new provider's node takes it and runs go on
        MemoryLeases.Node b = store.node("b");
        c.addLeaseProvider(b, named("redis"));
        Eventually.until(() -> holders.contains("b"));
        assertEquals(Set.of("a", "b"), holders);
        assertTrue(tokens.size() >= 2, "a new lease, from the new provider: " + tokens.keySet());
        assertEquals(1, registered.size(), "the same scheduler all along: " + registered);

        c.deactivate();
        assertEquals(Optional.empty(), store.holder("goflow/fleet/task-1"), "released when the scheduler closes");
        assertEquals(List.of(), registered);
    }

    @Test
    void withoutLeasesTasksRunOnEveryNode() {
        SchedulerComponent c = new SchedulerComponent(context, Fakes.props(SchedulerConfig.PID, "local"), live);
        Scheduler s = scheduler("local");
        s.every(Duration.ofMillis(20), ctx -> tokens.put(ctx.value(Lease.CONTEXT_KEY).map(Lease::fencingToken)
                .orElse(-1L), true));
        Eventually.until(() -> s.stats().runs() >= 2);
        // (no assertion on skipped: on a loaded machine a 20 ms period also skips late due times)
        assertEquals(List.of(-1L), List.copyOf(tokens.keySet()), "no lease in the runs' context");
        c.deactivate();
    }

    @Test
    void anInvalidLeaseTimeToLiveIsRejectedNamingTheProperty() {
        SchedulerComponent c = new SchedulerComponent(context,
                Fakes.props(SchedulerConfig.PID, "bad", "leases", "redis", "leaseTtl", "30 seconds"), live);
        assertEquals(List.of(), registered, "nothing is made");
        assertTrue(log.stream().anyMatch(m -> m.startsWith("SEVERE") && m.contains("'leaseTtl' = 30 seconds")), log.toString());
        c.deactivate();
    }
}
