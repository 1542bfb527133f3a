package goflow.redis.internal;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import goflow.api.InvalidConfigException;
import goflow.api.schedule.Lease;
import goflow.api.schedule.LeaseException;
import goflow.api.schedule.LeaseProvider;

/**
 * Leases in Redis: {@code goflow:lease:{<name>}} holds {@code <holder>#<token>} with a time to
 * live ({@code SET NX PX} in a script that first takes the token from the fencing counter
 * {@code goflow:lease:{<name>}:fence}, which never expires); renew and release are scripts that
 * act only when the value is still this holder's. Every call has the connection's hard timeout.
 *
 * <p>Thread-safe and stateless apart from the holder id, unique per provider instance (so two
 * schedulers in one JVM are two holders).
 */
final class RedisLeases implements LeaseProvider {
    private static final Pattern NAME = Pattern.compile("[^\\s]{1,255}");

    private final ConnectionImpl conn;
    /** This process and provider: host name@pid/random, for the lease's value. */
    private final String holder;

    RedisLeases(ConnectionImpl conn) {
        this.conn = conn;
        String pid = ManagementFactory.getRuntimeMXBean().getName();
        this.holder = pid.replace('#', '_') + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String key(String name) {
        return "goflow:lease:{" + name + "}";
    }

    @Override
    public Optional<Lease> tryAcquire(String name, Duration ttl) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidConfigException("redis-lease", "name", name, "must have 1 to 255 characters, no whitespace",
                    "e.g. goflow/<scheduler>/<task id>");
        }
        long ttlMillis = checkTtl(ttl);
        Object reply;
        try {
            reply = conn.eval(Scripts.LEASE_ACQUIRE, new String[] {key(name), key(name) + ":fence"}, holder,
                    Long.toString(ttlMillis));
        } catch (RedisFailure e) {
            throw new LeaseException("lease " + name + ": " + e.getMessage(), e);
        }
        long token = (Long) reply;
        return token == 0 ? Optional.empty() : Optional.of(new RedisLease(name, token));
    }

    private static long checkTtl(Duration ttl) {
        if (ttl == null || ttl.toMillis() < 1) {
            throw new InvalidConfigException("redis-lease", "ttl", ttl, "must be at least 1 ms", "");
        }
        return ttl.toMillis();
    }

    @Override
    public String describe() {
        return "redis " + conn.endpoint() + " (" + conn.name() + ")";
    }

    @Override
    public String toString() {
        return "RedisLeases[" + describe() + ", holder " + holder + "]";
    }

    /** One acquisition. Thread-safe. */
    private final class RedisLease implements Lease {
        private final String name;
        private final long token;
        private final String value;
        private final AtomicBoolean released = new AtomicBoolean();

        RedisLease(String name, long token) {
            this.name = name;
            this.token = token;
            this.value = holder + "#" + token;
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
            long ms = checkTtl(ttl);
            if (released.get()) {
                return false;
            }
            try {
                return (Long) conn.eval(Scripts.LEASE_RENEW, new String[] {key(name)}, value, Long.toString(ms)) == 1L;
            } catch (RedisFailure e) {
                throw new LeaseException("lease " + name + ": renewal failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void release() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            try {
                conn.eval(Scripts.LEASE_RELEASE, new String[] {key(name)}, value);
            } catch (RedisFailure e) {
                System.getLogger(RedisLeases.class.getName()).log(System.Logger.Level.DEBUG,
                        () -> "lease " + name + ": release failed, it runs out by itself: " + e.getMessage());
            }
        }

        @Override
        public String toString() {
            return "Lease[" + name + ", token " + token + "]";
        }
    }
}
