package goflow.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

import goflow.api.schedule.Lease;
import goflow.api.schedule.LeaseException;
import goflow.api.schedule.LeaseProvider;
import goflow.api.testing.ManualClock;
import goflow.impl.testing.MemoryLeases;

/** Which registered LeaseProvider a scheduler's {@code leases=<name>} uses, as services come and go. */
class NamedLeasesTest {
    private static final Duration TTL = Duration.ofSeconds(10);
    private final ManualClock clock = new ManualClock();
    private final MemoryLeases storeA = new MemoryLeases(clock);
    private final MemoryLeases storeB = new MemoryLeases(clock);
    private final Map<LeaseProvider, Map<String, Object>> services = new ConcurrentHashMap<>();
    private final NamedLeases redis = new NamedLeases("redis", services);

    private static Map<String, Object> props(String name, int ranking, long id) {
        return Map.of(LeaseProvider.NAME_PROPERTY, name, "service.ranking", ranking, "service.id", id);
    }

    @Test
    void noProviderOfTheNameMeansTheStoreCannotBeReached() {
        services.put(storeA.node("a"), props("zookeeper", 0, 1));
        LeaseException e = assertThrows(LeaseException.class, () -> redis.tryAcquire("job", TTL));
        assertEquals("no LeaseProvider service with goflow.lease.name=redis is registered (configure the bundle "
                + "that provides it, e.g. goflow.redis)", e.getMessage());
        assertEquals("leases 'redis' (no provider registered)", redis.describe());
    }

    @Test
    void theHighestRankedProviderOfTheNameIsUsedThenTheOtherWhenItGoes() {
        MemoryLeases.Node low = storeA.node("low");
        MemoryLeases.Node high = storeB.node("high");
        services.put(low, props("redis", 0, 1));
        services.put(high, props("redis", 10, 2));
        Lease lease = redis.tryAcquire("job", TTL).orElseThrow();
        assertEquals(Optional.of("high"), storeB.holder("job"), "the ranked provider's store");
        assertEquals(Optional.empty(), storeA.holder("job"));
        assertTrue(lease.renew(TTL));

        services.remove(high);
        assertFalse(lease.renew(TTL), "a lease from a provider that went away is lost, never renewed elsewhere");
        redis.tryAcquire("job", TTL).orElseThrow();
        assertEquals(Optional.of("low"), storeA.holder("job"));
        assertEquals("leases 'redis' (memory low)", redis.describe());
    }

    @Test
    void amongEqualRankingsTheOldestServiceWins() {
        services.put(storeB.node("newer"), props("redis", 0, 9));
        services.put(storeA.node("older"), props("redis", 0, 3));
        redis.tryAcquire("job", TTL).orElseThrow();
        assertEquals(Optional.of("older"), storeA.holder("job"));
    }

    @Test
    void aProviderNamedByAOneElementListIsFound() {
        // a goflow.lease.name written as a list in a .cfg or .config file arrives as an array
        MemoryLeases.Node node = storeA.node("listed");
        services.put(node, Map.of(LeaseProvider.NAME_PROPERTY, new String[] {"redis"}, "service.id", 1L));
        redis.tryAcquire("job", TTL).orElseThrow();
        assertEquals(Optional.of("listed"), storeA.holder("job"));
    }
}
