package goflow.redis.internal;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import goflow.api.InvalidConfigException;
import goflow.api.schedule.Lease;
import goflow.api.schedule.LeaseException;
import goflow.api.schedule.LeaseProvider;

/**
 * Leases in Redis: {@code goflow:lease:{<name>}} holds {@code <holder>.<attempt>#<token>} with a time to
 * live ({@code SET NX PX} in a script that first takes the token from the fencing counter
 * {@code goflow:lease:{<name>}:fence}, which never expires, or Redis's time in microseconds when that
 * is greater, so tokens grow across a restart that lost the data or brought back older data); renew
 * and release are scripts that act only when the value is still this holder's. Every call has the
 * connection's hard timeout.
 *
 * <p>An acquisition whose reply was lost (cut connection, timeout: Redis may have run it) is
 * remembered by name with its attempt id, and the next {@link #tryAcquire} of that name that is
 * sent to Redis retries with the same id, which the script answers with the lease it took, if it did: the lease is this
 * node's again at its next try, instead of held by nobody until its time to live runs out.
 *
 * <p>Thread-safe: the holder id is unique per provider instance (so two schedulers in one JVM are
 * two holders); {@link #held} is a concurrent set of the leases taken and not seen to end;
 * {@link #unanswered} a concurrent map whose entries a retry removes atomically (one retry per
 * attempt id).
 */
final class RedisLeases implements LeaseProvider {
    /** The longest lease name, in chars ({@link LeaseProvider#tryAcquire}: 1 to 255 characters, any of them). */
    private static final int MAX_NAME = 255;

    private static final Duration MIN_TTL = Duration.ofMillis(1);
    /**
     * The longest time to live sent to Redis, about 73 million years: Redis refuses an expiry past
     * {@code Long.MAX_VALUE} ms since the epoch ("invalid expire time"), and a longer
     * {@code Duration} has no {@code long} of milliseconds.
     */
    private static final long MAX_TTL_MILLIS = Long.MAX_VALUE / 4;
    private static final Duration MAX_TTL = Duration.ofMillis(MAX_TTL_MILLIS);

    private final ConnectionImpl conn;
    /** This process and provider: host name@pid/random, for the lease's value. */
    private final String holder;
    /**
     * The leases this provider took and has not seen end (released, or answered "lost" to a
     * renewal), for {@code goflow:redis}; one whose time to live ran out unnoticed stays until its
     * holder renews or releases it. Concurrent set.
     */
    private final Set<RedisLease> held = ConcurrentHashMap.newKeySet();
    /**
     * The acquisitions whose reply was lost, by lease name: the attempt id to retry with. At most
     * {@link #MAX_UNANSWERED} (beyond, a lost one runs out by itself). Concurrent map.
     */
    private final Map<String, String> unanswered = new ConcurrentHashMap<>();
    private static final int MAX_UNANSWERED = 1024;
    private final AtomicLong attempts = new AtomicLong();

    RedisLeases(ConnectionImpl conn) {
        this.conn = conn;
        String pid = ManagementFactory.getRuntimeMXBean().getName();
        this.holder = pid.replace('#', '_') + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * Returns the key of lease {@code name}: {@code goflow:lease:{<name>}}, or, for a name with a lone
     * surrogate (which UTF-8 cannot write: Jedis sends {@code ?}, and two names would share a lease),
     * {@code goflow:lease:~{<its UTF-16 chars in hex>}}.
     */
    private static String key(String name) {
        if (hasLoneSurrogate(name)) {
            StringBuilder hex = new StringBuilder("goflow:lease:~{");
            for (int j = 0; j < name.length(); j++) {
                hex.append(String.format("%04x", (int) name.charAt(j)));
            }
            return hex.append('}').toString();
        }
        return "goflow:lease:{" + name + "}";
    }

    /**
     * Whether {@code name} has a surrogate that is not half of a pair: UTF-8 cannot write one (Jedis
     * and {@code getBytes} write {@code ?} instead), so two such names would share a Redis key.
     * Also used for the keyed limiter's bucket names.
     */
    static boolean hasLoneSurrogate(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Optional<Lease> tryAcquire(String name, Duration ttl) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME) {
            throw new InvalidConfigException("redis-lease", "name", name, "must have 1 to 255 characters",
                    "e.g. goflow/<scheduler>/<task id>");
        }
        long ttlMillis = checkTtl(ttl);
        String lost = unanswered.remove(name);
        String attempt = lost != null ? lost : holder + "." + attempts.incrementAndGet();
        Object reply;
        try {
            reply = conn.eval(Scripts.LEASE_ACQUIRE, new String[] {key(name), key(name) + ":fence"}, attempt,
                    Long.toString(ttlMillis));
        } catch (RedisFailure e) {
            // sent, or maybe sent: Redis may have taken the lease for this attempt; refused before it
            // was sent (connection closed, Redis known to be down), a retry of a lost attempt is kept
            // for the next try: Redis may hold the lease for it still
            if (e.getCause() != null || lost != null) {
                unanswered(name, attempt);
            }
            throw new LeaseException("lease " + name + ": " + e.getMessage(), e);
        } catch (Error e) {
            unanswered(name, attempt);
            throw e;
        }
        if (!(reply instanceof Long token)) {
            // not the script's reply (a proxy or a look-alike in between): Redis may have run it and
            // taken the lease for this attempt, as when a reply is lost; kept for the next try
            unanswered(name, attempt);
            throw new LeaseException("lease " + name + ": unexpected reply from redis " + conn.endpoint() + ": "
                    + describeReply(reply), null);
        }
        if (token == 0) {
            return Optional.empty();
        }
        RedisLease lease = new RedisLease(name, attempt + "#" + token, token, System.currentTimeMillis());
        held.add(lease);
        return Optional.of(lease);
    }

    /** Remembers that the reply to {@code attempt} on lease {@code name} was lost. */
    private void unanswered(String name, String attempt) {
        if (unanswered.size() < MAX_UNANSWERED) {
            unanswered.put(name, attempt);
        }
    }

    /**
     * Returns the time to live in ms: at least 1, and at most {@link #MAX_TTL_MILLIS} (a longer one,
     * up to {@code Duration}'s largest, is taken as that).
     */
    private static long checkTtl(Duration ttl) {
        if (ttl == null || ttl.compareTo(MIN_TTL) < 0) {
            throw new InvalidConfigException("redis-lease", "ttl", ttl, "must be at least 1 ms", "");
        }
        return ttl.compareTo(MAX_TTL) > 0 ? MAX_TTL_MILLIS : ttl.toMillis();
    }

    /** Returns {@code <name> token <n> since <epoch ms>} for each lease this provider holds, by name. */
    List<String> held() {
        List<String> out = new ArrayList<>();
        for (RedisLease l : held) {
            out.add(l.name + " token " + l.token + " since " + Instant.ofEpochMilli(l.acquiredMillis));
        }
        out.sort(null);
        return out;
    }

    @Override
    public String describe() {
        return "redis " + conn.endpoint() + " (" + conn.name() + ")";
    }

    /** A reply that is not the scripts' integer, for a message: its type and (at most 100 chars of) its text. */
    static String describeReply(Object reply) {
        if (reply == null) {
            return "nil";
        }
        String text = reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8)
                : String.valueOf(reply);
        return reply.getClass().getSimpleName() + " "
                + (text.length() > 100 ? text.substring(0, 100) + "..." : text);
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
        private final long acquiredMillis;
        private final AtomicBoolean released = new AtomicBoolean();

        RedisLease(String name, String value, long token, long acquiredMillis) {
            this.name = name;
            this.token = token;
            this.value = value;
            this.acquiredMillis = acquiredMillis;
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
                Object reply = conn.eval(Scripts.LEASE_RENEW, new String[] {key(name)}, value, Long.toString(ms));
                if (!(reply instanceof Long answer)) {
                    throw new LeaseException("lease " + name + ": renewal failed: unexpected reply from redis "
                            + conn.endpoint() + ": " + describeReply(reply), null);
                }
                boolean renewed = answer == 1L;
                if (!renewed) {
                    held.remove(this);
                }
                return renewed;
            } catch (RedisFailure e) {
                throw new LeaseException("lease " + name + ": renewal failed: " + e.getMessage(), e);
            }
        }

        @Override
        public void release() {
            if (!released.compareAndSet(false, true)) {
                return;
            }
            held.remove(this);
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
