package goflow.redis.internal;

import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.schedule.LeaseProvider;
import goflow.redis.RedisConnection;
import goflow.redis.RedisKeyedRateLimiterBuilder;
import goflow.redis.RedisRateLimiterBuilder;
import goflow.redis.RedisState;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.util.Pool;

/**
 * The {@link RedisConnection}: a Jedis pool shared by the limiters, the lease provider and the
 * lent {@link RedisClient}, with the hard per-call timeout and the down/probe logic.
 *
 * <p>Thread-safe. State: {@link #down} is set by the first call that fails at the connection level
 * and cleared only by the probe thread once Redis answers a PING (after a lost connection, the
 * probe's first PING is at once); while it is set, calls fail at once. {@link #probe} (guarded by
 * this object's monitor) is the probe thread, alive only while Redis is down; {@link #closed} ends
 * everything.
 */
/*
 * Why the timeout holds: a call borrows a connection with the remaining budget as the pool's wait
 * (an idle connection is taken at once; a new one is opened with the connect timeout, which is the
 * call timeout; a full pool waits at most what is left), then sets the socket timeout of that
 * connection to what is left before sending the command (and back to the timeout when it returns
 * the connection to the pool). Each step is bounded by the budget, and no step starts once it is
 * used up; the one exception, opening a connection, is itself bounded by the timeout. A failure at the connection level marks Redis down, so the callers after it do not
 * each pay the timeout again while Redis is away.
 *
 * Why a call may be sent twice: a connection that breaks in use (not a timeout) is most often one
 * the server, a proxy or a NAT closed while it sat idle in the pool, before the call was written;
 * Redis is up and ran nothing. The call is then sent once more on a new connection, within the
 * same budget, and only if that fails too is Redis marked down. Rarely, the connection broke after
 * Redis ran the script (the network failing mid-reply); the second send then runs it again, which
 * the scripts sent with eval allow: a lease's acquisition carries its attempt id and finds the
 * lease it took, renewal and release compare the holder's value, a change of rate or burst finds
 * itself made, and a rate limiter's decision takes its tokens once more (one admission more
 * counted: never fewer than were admitted). A refund would give its tokens back twice: it is sent
 * with evalOnce, which does not send again.
 */
public final class ConnectionImpl implements RedisConnection {
    private static final System.Logger LOG = System.getLogger(ConnectionImpl.class.getName());
    private static final Pattern NAME = Pattern.compile("[^\\s,=:\"*?]{1,128}");

    private final String name;
    private final String endpoint;
    private final HostAndPort hostAndPort;
    private final JedisClientConfig clientConfig;
    private final Duration timeout;
    private final long timeoutNanos;
    /** The socket timeout of the pooled connections (the timeout in ms), which a call sets lower for itself. */
    private final int socketMillis;
    private final long reconnectNanos;
    private final RedisClient client;
    private final Pool<Connection> pool;
    private final RedisLeases leases;
    /** The live limiters by name. */
    private final Map<String, Primitive> limiters = new ConcurrentHashMap<>();

    private final LongAdder calls = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final RoundTrips roundTrips = new RoundTrips();
    private volatile boolean down;
    private volatile boolean everConnected;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    /** When an error reply may next be logged at WARNING (System.nanoTime); see warnOfErrorReply. */
    private final AtomicLong nextErrorReplyWarning = new AtomicLong(System.nanoTime());
    private static final long ERROR_REPLY_WARNING_NANOS = TimeUnit.MINUTES.toNanos(1);
    private volatile boolean closed;
    /**
     * The last error reply the probe logged (see warnOfRefusal), so that it is said once, not every
     * reconnect interval; written by the probe thread only (one at a time), null while none.
     */
    private volatile String refusal;
    /** The probe thread while Redis is down. Guarded by this. */
    private Thread probe;

    /**
     * Creates the connection (opens nothing yet).
     *
     * @param name its name
     * @param uri redis:// or rediss:// URI, validated
     * @param timeout the per-call timeout
     * @param reconnectInterval how often a down Redis is probed
     * @param poolSize the most pooled connections
     * @param user the ACL user, or null
     * @param password the password, or null
     */
    public ConnectionImpl(String name, URI uri, Duration timeout, Duration reconnectInterval, int poolSize, String user,
            char[] password) {
        this.name = name;
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        this.reconnectNanos = reconnectInterval.toNanos();
        int port = uri.getPort() > 0 ? uri.getPort() : 6379;
        String path = uri.getPath() == null ? "" : uri.getPath();
        int db = path.length() > 1 ? Integer.parseInt(path.substring(1)) : 0;
        this.hostAndPort = new HostAndPort(uri.getHost(), port);
        this.endpoint = uri.getHost() + ":" + port + "/" + db;
        String u = user;
        String p = password == null ? null : new String(password);
        if (uri.getRawUserInfo() != null) {
            // split before decoding (an escaped %3A is part of a user or password, not the separator),
            // and decode RFC 3986's escapes only: a '+' is a plus (URLDecoder, for HTML forms, made it a space)
            String info = uri.getRawUserInfo();
            int colon = info.indexOf(':');
            if (u == null && colon != 0) {
                // user info without a ':' is a user alone (RFC 3986), its password set with password()
                u = percentDecode(colon < 0 ? info : info.substring(0, colon));
            }
            if (p == null && colon >= 0) {
                p = percentDecode(info.substring(colon + 1));
            }
        }
        int millis = (int) Math.max(1, timeout.toMillis());
        this.socketMillis = millis;
        DefaultJedisClientConfig.Builder cfg = DefaultJedisClientConfig.builder().connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis).database(db).clientName("goflow-" + name);
        if ("rediss".equalsIgnoreCase(uri.getScheme())) {
            cfg.sslOptions(SslOptions.defaults()); // TLS with the JVM's trust store
        }
        if (u != null && !u.isEmpty()) {
            cfg.user(u);
        }
        if (p != null && !p.isEmpty()) {
            cfg.password(p);
        }
        this.clientConfig = cfg.build();
        GenericObjectPoolConfig<Connection> poolConfig = new GenericObjectPoolConfig<>();
        poolConfig.setMaxTotal(poolSize);
        poolConfig.setMaxIdle(poolSize);
        poolConfig.setMinIdle(0);
        poolConfig.setBlockWhenExhausted(true);
        poolConfig.setMaxWait(timeout);
        poolConfig.setTestOnBorrow(false);
        poolConfig.setTestWhileIdle(false);
        poolConfig.setTimeBetweenEvictionRuns(Duration.ofMillis(-1)); // no evictor thread
        poolConfig.setJmxEnabled(false);
        this.client = RedisClient.builder().hostAndPort(hostAndPort).clientConfig(clientConfig).poolConfig(poolConfig)
                .build();
        this.pool = client.getPool();
        this.leases = new RedisLeases(this);
    }

    /** Decodes the {@code %XX} escapes of a URI component (already validated by {@link URI}); '+' stays. */
    private static String percentDecode(String raw) {
        return java.net.URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ validation helpers

    /**
     * Validates a name (of a connection or limiter).
     *
     * @param component what is configured
     * @param field the field
     * @param value the name
     * @return the name
     */
    public static String checkName(String component, String field, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new InvalidConfigException(component, field, value,
                    "must have 1 to 128 characters, none of them whitespace or , = : \" * ?",
                    "nodes that use the same name share the same state in Redis");
        }
        return value;
    }

    /**
     * Validates a duration in a range.
     *
     * @param component what is configured
     * @param field the field
     * @param value the duration
     * @param min the shortest allowed
     * @param max the longest allowed
     * @param hint what it is for
     * @return the duration
     */
    public static Duration checkDuration(String component, String field, Duration value, Duration min, Duration max,
            String hint) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new InvalidConfigException(component, field, value, "must be from " + min + " to " + max, hint);
        }
        return value;
    }

    /**
     * Replaces the password of a URI (and anything that looks like one) by {@code ****}: all from
     * {@code ://} to the last {@code @}, since a password pasted unescaped may hold {@code @} and
     * {@code /} (the URI is then refused, and its message must not show the rest of it); from the
     * start when there is no {@code ://} before that {@code @} (the scheme or a slash left out,
     * {@code user:secret@host}: refused too).
     *
     * @param uri the URI as given
     * @return the URI safe to show
     */
    public static String hideSecret(String uri) {
        int at = uri == null ? -1 : uri.lastIndexOf('@');
        if (at < 0) {
            return uri;
        }
        int slashes = uri.indexOf("://");
        return (slashes >= 0 && slashes < at ? uri.substring(0, slashes + 3) : "") + "****" + uri.substring(at);
    }

    // ------------------------------------------------------------------ calls

    /**
     * Runs a script with the hard timeout; sent once more on a new connection if the connection
     * breaks (see the class comment): for a call that Redis may run twice.
     *
     * @param script the script
     * @param keys its keys
     * @param args its arguments
     * @return the reply: a {@code Long}, {@code byte[]} or {@code List} of them
     * @throws RedisFailure if Redis is down, does not answer in time or answers with an error
     */
    Object eval(Script script, String[] keys, String... args) throws RedisFailure {
        return eval(true, script, keys, args);
    }

    /**
     * Runs a script with the hard timeout, sent once only: for a call that must not run twice (a
     * rate limiter's refund, which would give its tokens back twice).
     *
     * @param script the script
     * @param keys its keys
     * @param args its arguments
     * @return the reply: a {@code Long}, {@code byte[]} or {@code List} of them
     * @throws RedisFailure if Redis is down, does not answer in time or answers with an error
     */
    Object evalOnce(Script script, String[] keys, String... args) throws RedisFailure {
        return eval(false, script, keys, args);
    }

    private Object eval(boolean resend, Script script, String[] keys, String... args) throws RedisFailure {
        long start = System.nanoTime();
        calls.increment();
        if (closed) {
            failures.increment();
            throw new RedisFailure("redis connection '" + name + "' is closed", false, null);
        }
        if (down) {
            failures.increment();
            throw new RedisFailure("redis " + endpoint + " is down (" + lastError + ")", false, null);
        }
        for (boolean again = false;; again = true) {
            Connection c = borrow(start, again);
            try {
                c.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(
                        timeoutNanos - (System.nanoTime() - start) + 999_999)));
                Object reply = send(c, script, keys, args);
                giveBack(c);
                roundTrips.record(System.nanoTime() - start);
                everConnected = true;
                return reply;
            } catch (JedisConnectionException e) {
                discard(c);
                if (isTimeout(e)) {
                    throw failed("redis " + endpoint + " did not answer within " + timeout, true, e, true);
                }
                if (resend && !again && timeoutNanos - (System.nanoTime() - start) > 0) {
                    // The connection broke, not Redis perhaps: a server closes connections left idle
                    // longer than its `timeout`, and so do proxies and NATs; those idle as long are
                    // likely closed too. They are dropped and the call is sent once more, on a new
                    // connection (see the class comment on why that is safe).
                    pool.clear();
                    continue;
                }
                throw failed("lost the connection to redis " + endpoint + ": " + describe(e), false, e, true, true);
            } catch (JedisDataException e) {
                giveBack(c);
                String message = "redis " + endpoint + " answered " + script.name() + " on " + String.join(", ", keys)
                        + " with an error: " + e.getMessage();
                warnOfErrorReply(message);
                throw failed(message, false, e, false);
            } catch (RuntimeException e) {
                discard(c);
                throw failed("call to redis " + endpoint + " failed: " + describe(e), false, e, true);
            } catch (Error e) {
                // e.g. an OutOfMemoryError while a reply is read: the connection is mid-reply, and kept out
                // of the pool it would be lost to it for good (poolSize of them and no call gets one)
                discard(c);
                failures.increment();
                throw e;
            }
        }
    }

    /**
     * Borrows a connection with what is left of the call's budget as the pool's wait (an idle
     * connection is taken at once; a new one is opened with the connect timeout, which is the call
     * timeout).
     *
     * @param start when the call began (System.nanoTime)
     * @param again whether this is the call's second try, after a lost connection
     */
    private Connection borrow(long start, boolean again) throws RedisFailure {
        Connection c;
        try {
            c = pool.borrowObject(Duration.ofNanos(Math.max(1, timeoutNanos - (System.nanoTime() - start))));
        } catch (NoSuchElementException e) {
            throw failed("no pooled connection to redis " + endpoint + " was free within " + timeout, true, e, false);
        } catch (InterruptedException e) {
            // the caller was interrupted while the pool was exhausted: Redis is not down (marking it so
            // would fail every caller for a reconnect interval), and the interrupt is the caller's to see
            if (closed) { // the pool interrupts its waiters when it closes
                throw failed("redis connection '" + name + "' was closed while the call waited for a pooled "
                        + "connection", false, e, false);
            }
            Thread.currentThread().interrupt();
            throw failed("interrupted while waiting for a pooled connection to redis " + endpoint, false, e, false);
        } catch (Exception e) {
            throw failed("cannot connect to redis " + endpoint + (again ? " again after a lost connection" : "") + ": "
                    + describe(e), isTimeout(e), e, true);
        }
        if (timeoutNanos - (System.nanoTime() - start) <= 0) {
            pool.returnResource(c);
            throw failed("redis " + endpoint + " took longer than " + timeout + " to connect", true, null, true);
        }
        return c;
    }

    /**
     * Gives a connection back to the pool with the socket timeout it was lent with: a call that
     * waited for it set what was left of its budget (down to 1 ms), which would otherwise be the
     * socket timeout of the next user of that connection, the lent {@link #client()} included.
     */
    private void giveBack(Connection c) {
        if (c.getSoTimeout() != socketMillis) {
            try {
                c.setSoTimeout(socketMillis);
            } catch (RuntimeException e) {
                discard(c);
                return;
            }
        }
        pool.returnResource(c);
    }

    /**
     * Gives a broken connection back to the pool without letting the pool's own failure reach the
     * caller: with Redis dead, Jedis's pool fails to replace it ("Could not return the broken
     * resource to the pool"), and a limiter's caller must see its failure policy, never a Jedis
     * exception (RedisRateLimiterTest's failure-policy test caught this).
     */
    private void discard(Connection c) {
        try {
            pool.returnBrokenResource(c);
        } catch (RuntimeException e) {
            try {
                c.close();
            } catch (RuntimeException ignored) {
                // already broken
            }
        }
    }

    private static Object send(Connection c, Script script, String[] keys, String[] args) {
        String[] shaCall = new String[2 + keys.length + args.length];
        shaCall[0] = script.sha();
        shaCall[1] = Integer.toString(keys.length);
        System.arraycopy(keys, 0, shaCall, 2, keys.length);
        System.arraycopy(args, 0, shaCall, 2 + keys.length, args.length);
        try {
            c.sendCommand(Protocol.Command.EVALSHA, shaCall);
            return c.getOne();
        } catch (JedisNoScriptException e) {
            // Redis forgot the script (restart, SCRIPT FLUSH): EVAL sends it once and loads it again.
            shaCall[0] = script.source();
            c.sendCommand(Protocol.Command.EVAL, shaCall);
            return c.getOne();
        }
    }

    /**
     * Logs an error reply at WARNING, at most once a minute for this connection: Redis is up, so it
     * is not marked down, yet every call on those keys fails over to its limiter's failure policy
     * (with FAIL_OPEN: no limit at all), which would otherwise go unsaid but for
     * {@code backendStats().lastError()}. A key of the wrong type (WRONGTYPE: written by something
     * else under goflow's key names) is the usual cause.
     */
    private void warnOfErrorReply(String message) {
        long now = System.nanoTime();
        long due = nextErrorReplyWarning.get();
        if (now - due >= 0 && nextErrorReplyWarning.compareAndSet(due, now + ERROR_REPLY_WARNING_NANOS)) {
            // the keys are callers' (often taken from a request): a line break in one would forge a log line
            LOG.log(Level.WARNING, "goflow: " + Text.oneLine(message) + "; the calls on these keys fail over to "
                    + "their limiter's failure policy until the keys hold what goflow wrote (said at most once a minute)");
        }
    }

    private RedisFailure failed(String message, boolean slow, Throwable cause, boolean connectionLevel) {
        return failed(message, slow, cause, connectionLevel, false);
    }

    /**
     * Counts a failed call and returns its exception; a failure at the connection level marks Redis
     * down, and {@code lostConnection} (a connection that broke, rather than one that could not be
     * opened or did not answer in time) probes at once instead of after a reconnect interval.
     */
    private RedisFailure failed(String message, boolean slow, Throwable cause, boolean connectionLevel,
            boolean lostConnection) {
        failures.increment();
        if (slow) {
            timeouts.increment();
        }
        lastError = message;
        lastErrorAt = Instant.now();
        if (connectionLevel) {
            markDown(message, lostConnection);
        }
        return new RedisFailure(message, slow, cause);
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof ConnectException) {
            return "connection refused";
        }
        String m = root.getMessage();
        return root.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    // ------------------------------------------------------------------ down and probe

    /**
     * Marks Redis down and starts the probe thread. After a lost connection ({@code probeAtOnce}) the
     * probe tries once at once, quietly: a pooled connection closed while idle (the server's
     * {@code timeout}, a proxy, a NAT) breaks the one call that takes it, and Redis, still up, would
     * otherwise be refused for a whole reconnect interval. Only if that first probe fails too is
     * Redis said to be down (WARNING) and probed every reconnect interval.
     */
    private void markDown(String why, boolean probeAtOnce) {
        synchronized (this) {
            if (closed || down) {
                return;
            }
            down = true;
            probe = new Thread(() -> probeLoop(why, probeAtOnce), "goflow-redis-" + name + "-reconnect");
            probe.setDaemon(true);
            probe.start();
        }
        if (!probeAtOnce) {
            warnOfDown(why);
        }
    }

    private void warnOfDown(String why) {
        LOG.log(Level.WARNING, "goflow: redis ''{0}'' ({1}) is down: {2}; calls fail at once (their limiters "
                + "apply their failure policy) until it answers again", name, endpoint, why);
    }

    /**
     * The probe thread's loop: PINGs Redis on a new connection every reconnect interval (the first
     * time at once when {@code atOnce}) until it answers or the connection closes.
     */
    private void probeLoop(String why, boolean atOnce) {
        boolean first = atOnce;
        while (!closed) {
            if (!first) {
                LockSupport.parkNanos(this, reconnectNanos);
            }
            if (closed) {
                return;
            }
            boolean quiet = first;
            first = false;
            try (Connection c = new Connection(hostAndPort, clientConfig)) {
                if (c.ping()) {
                    pool.clear(); // idle connections opened before the outage (or the drop) are dead
                    refusal = null;
                    synchronized (this) {
                        down = false;
                        probe = null;
                    }
                    everConnected = true;
                    if (quiet) {
                        LOG.log(Level.INFO, "goflow: redis ''{0}'' ({1}): {2}; it answers on a new connection",
                                name, endpoint, why);
                    } else {
                        LOG.log(Level.INFO, "goflow: redis ''{0}'' ({1}) answers again", name, endpoint);
                    }
                    return;
                }
                if (quiet) {
                    warnOfDown(why);
                }
            } catch (RuntimeException | Error e) {
                // an Error too (an OutOfMemoryError while a reply is read): were this thread to end, no
                // other would be started (Redis is down already) and every call would fail at once for ever
                lastError = "redis " + endpoint + " is down: " + describe(e);
                lastErrorAt = Instant.now();
                if (quiet) {
                    warnOfDown(why);
                }
                if (e instanceof JedisDataException && !describe(e).equals(refusal)) {
                    warnOfRefusal(describe(e));
                }
            }
        }
    }

    /**
     * Logs, once per distinct reply, that Redis answers the probe but refuses the connection (a
     * password rotated on the server, a user disabled, a database index out of range): unlike an
     * outage it does not end by itself, and the WARNING of {@link #markDown} named only the
     * dropped connection. Called by the probe thread only.
     */
    private void warnOfRefusal(String reply) {
        refusal = reply;
        LOG.log(Level.WARNING, "goflow: redis ''{0}'' ({1}) answers but refuses this connection: {2}; it stays "
                + "down until the server accepts its user, password and database again", name, endpoint, reply);
    }

    /**
     * Returns whether Redis is known to be down.
     *
     * @return true between a connection failure and a successful probe
     */
    boolean isDown() {
        return down;
    }

    Duration reconnectInterval() {
        return Duration.ofNanos(reconnectNanos);
    }

    // ------------------------------------------------------------------ limiters

    /** Claims {@code name} for a limiter of this connection. */
    void claim(String component, String limiterName, Primitive limiter) {
        if (closed) {
            throw new goflow.api.ClosedException("redis connection '" + name + "' is closed: cannot build "
                    + component + " '" + limiterName + "'");
        }
        if (limiters.putIfAbsent(limiterName, limiter) != null) {
            throw new InvalidConfigException(component, "name", limiterName,
                    "must be unique among the limiters of redis connection '" + name + "'",
                    "close the limiter that has it first, or share that one");
        }
    }

    void release(String limiterName, Primitive limiter) {
        limiters.remove(limiterName, limiter);
    }

    // ------------------------------------------------------------------ RedisConnection

    @Override
    public String name() {
        return name;
    }

    @Override
    public String endpoint() {
        return endpoint;
    }

    @Override
    public Duration timeout() {
        return timeout;
    }

    @Override
    public RedisClient client() {
        return client;
    }

    @Override
    public RedisState state() {
        return new RedisState(name, endpoint, everConnected && !down, lastError, lastErrorAt, calls.sum(),
                failures.sum(), timeouts.sum(), roundTrips.percentile(0.5), roundTrips.percentile(0.99),
                pool.getNumActive(), pool.getNumIdle());
    }

    @Override
    public RedisRateLimiterBuilder rateLimiter() {
        return new LimiterBuilders.Single(this);
    }

    @Override
    public RedisKeyedRateLimiterBuilder keyedRateLimiter() {
        return new LimiterBuilders.Keyed(this);
    }

    @Override
    public LeaseProvider leases() {
        return leases;
    }

    /**
     * Describes the leases this connection's provider holds, for {@code goflow:redis}.
     *
     * @return one line per lease, by name; see {@link RedisLeases#held()}
     */
    public List<String> heldLeases() {
        return leases.held();
    }

    @Override
    public List<Primitive> limiters() {
        List<Primitive> list = new ArrayList<>(limiters.values());
        list.sort(Comparator.comparing(Primitive::name));
        return List.copyOf(list);
    }

    @Override
    public void close() {
        Thread p;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            p = probe;
            probe = null;
        }
        for (Primitive l : limiters()) {
            l.close();
        }
        if (p != null) {
            LockSupport.unpark(p);
            try {
                p.join(TimeUnit.SECONDS.toMillis(10) + timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        client.close();
    }

    @Override
    public String toString() {
        return "RedisConnection[" + name + ", " + endpoint + (down ? ", down" : "") + "]";
    }
}
