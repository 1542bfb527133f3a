package goflow.impl.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import goflow.api.Clock;
import goflow.api.schedule.Lease;
import goflow.api.schedule.LeaseException;
import goflow.api.schedule.LeaseProvider;

/**
 * A lease store in memory, shared by the "nodes" of a test, whose time to live runs on a clock:
 * the contract of {@link LeaseProvider} without a network (goflow.redis tests the real store).
 * Each node gets its own {@link #node view}, which a test can make fail as if the store were
 * unreachable from that node. Thread-safe: guarded by this.
 */
public final class MemoryLeases {
    private final Clock clock;
    private final Map<String, Entry> leases = new HashMap<>();
    private long fence;
    /** Successful acquisitions, by every node. */
    public final AtomicInteger acquisitions = new AtomicInteger();

    private record Entry(String owner, long token, long expiresNanos) { }

    /**
     * Creates an empty store.
     *
     * @param clock the clock the time to live runs on
     */
    public MemoryLeases(Clock clock) {
        this.clock = clock;
    }

    /** The provider seen by one node. */
    public Node node(String owner) {
        return new Node(owner);
    }

    /** Returns the holder of the lease {@code name}, if it is held. */
    public synchronized Optional<String> holder(String name) {
        Entry e = live(name);
        return e == null ? Optional.empty() : Optional.of(e.owner);
    }

    /** How long the lease {@code name} has left on the store's clock; zero when nobody holds it. */
    public synchronized Duration expiresIn(String name) {
        Entry e = live(name);
        return e == null ? Duration.ZERO : Duration.ofNanos(e.expiresNanos - clock.nanoTime());
    }

    private Entry live(String name) {
        Entry e = leases.get(name);
        if (e != null && e.expiresNanos - clock.nanoTime() <= 0) {
            leases.remove(name);
            return null;
        }
        return e;
    }

    public final class Node implements LeaseProvider {
        /** The node's name, the holder named by {@link MemoryLeases#holder}. */
        public final String owner;
        /** While set, every call from this node fails as if the store could not be reached. */
        public volatile boolean unreachable;
        /** While set, renewals answer "lost" (as if the store forgot the lease). */
        public volatile boolean forget;

        Node(String owner) {
            this.owner = owner;
        }

        private void check() {
            if (unreachable) {
                throw new LeaseException("store unreachable from " + owner, null);
            }
        }

        @Override
        public Optional<Lease> tryAcquire(String name, Duration ttl) {
            check();
            synchronized (MemoryLeases.this) {
                if (live(name) != null) {
                    return Optional.empty();
                }
                Entry e = new Entry(owner, ++fence, clock.nanoTime() + ttl.toNanos());
                leases.put(name, e);
                acquisitions.incrementAndGet();
                return Optional.of(new Held(this, name, e.token));
            }
        }

        @Override
        public String describe() {
            return "memory " + owner;
        }
    }

    private final class Held implements Lease {
        private final Node node;
        private final String name;
        private final long token;

        Held(Node node, String name, long token) {
            this.node = node;
            this.name = name;
            this.token = token;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public long fencingToken() {
            return token;
        }

        @Override
        public boolean renew(Duration ttl) {
            node.check();
            synchronized (MemoryLeases.this) {
                Entry e = live(name);
                if (e == null || e.token != token || node.forget) {
                    return false;
                }
                leases.put(name, new Entry(e.owner, token, clock.nanoTime() + ttl.toNanos()));
                return true;
            }
        }

        @Override
        public void release() {
            if (node.unreachable) {
                return;
            }
            synchronized (MemoryLeases.this) {
                Entry e = live(name);
                if (e != null && e.token == token) {
                    leases.remove(name);
                }
            }
        }
    }
}
