package goflow.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;

import goflow.api.InvalidConfigException;
import goflow.redis.internal.ConnectionImpl;

/**
 * Builds a {@link RedisConnection}; obtained from {@link RedisConnection#builder()}. Every setter
 * validates its argument (the error names the field, the value and the rule; a password is never
 * shown) and may be called once.
 *
 * <p>Not thread-safe.
 */
public final class RedisConnectionBuilder {
    private static final String COMPONENT = "redis";

    /** The per-call timeout when none is set: 200 ms (PID {@code goflow.redis}: {@code PT0.2S}). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(200);
    /** How often a down Redis is probed when nothing is set: 1 s (PID {@code goflow.redis}: {@code PT1S}). */
    public static final Duration DEFAULT_RECONNECT_INTERVAL = Duration.ofSeconds(1);

    private String name;
    private URI uri;
    private Duration timeout;
    private Duration reconnectInterval;
    private int poolSize;
    private String user;
    private char[] password;
    private boolean passwordSet;

    RedisConnectionBuilder() {
    }

    /**
     * Sets the connection's name. Default {@code redis}.
     *
     * @param value 1 to 128 characters, no whitespace or {@code , = : " * ?}
     * @return this builder
     */
    public RedisConnectionBuilder name(String value) {
        once("name", name != null);
        name = ConnectionImpl.checkName(COMPONENT, "name", value);
        return this;
    }

    /**
     * Sets where Redis is: {@code redis://host:port[/db]} (or {@code rediss://} for TLS); user and
     * password may be given in it ({@code redis://user:secret@host:port}, {@code redis://:secret@host}
     * or a user alone, {@code redis://user@host}) or with {@link #user} and {@link #password}, which
     * take precedence. Default {@code redis://127.0.0.1:6379}.
     *
     * @param value the URI
     * @return this builder
     */
    public RedisConnectionBuilder uri(String value) {
        once("uri", uri != null);
        if (value == null || value.isBlank()) {
            throw new InvalidConfigException(COMPONENT, "uri", value, "must be a redis:// or rediss:// URI",
                    "for example redis://127.0.0.1:6379/0");
        }
        URI parsed;
        try {
            parsed = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new InvalidConfigException(COMPONENT, "uri", ConnectionImpl.hideSecret(value),
                    "must be a redis:// or rediss:// URI", "for example redis://127.0.0.1:6379/0");
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss") || parsed.getHost() == null) {
            throw new InvalidConfigException(COMPONENT, "uri", ConnectionImpl.hideSecret(value),
                    "must be a redis:// or rediss:// URI with a host", "for example redis://127.0.0.1:6379/0");
        }
        if (parsed.getPort() != -1 && (parsed.getPort() < 1 || parsed.getPort() > 65535)) {
            // else accepted here and refused by the socket at every call, Redis "down" for ever
            throw new InvalidConfigException(COMPONENT, "uri", ConnectionImpl.hideSecret(value),
                    "the port must be from 1 to 65535 (or left out for 6379)", "for example redis://127.0.0.1:6379/0");
        }
        String path = parsed.getPath() == null ? "" : parsed.getPath();
        if (!path.isEmpty() && !path.equals("/") && !path.substring(1).matches("\\d{1,9}")) {
            // Redis numbers its databases from 0 below its `databases` setting (16 by default, up to
            // 2^31-1): any number of up to 9 digits fits an int; one beyond the server's is refused
            // by it at the first connection, and said so (the reconnect probe logs the refusal)
            throw new InvalidConfigException(COMPONENT, "uri", ConnectionImpl.hideSecret(value),
                    "the path must be a database number", "for example redis://127.0.0.1:6379/2");
        }
        uri = parsed;
        return this;
    }

    /**
     * Sets the hard per-call timeout: no limiter or lease call waits on Redis longer. Default
     * 200 ms ({@link #DEFAULT_TIMEOUT}, as PID {@code goflow.redis}).
     *
     * @param value 1 ms to 1 minute
     * @return this builder
     */
    public RedisConnectionBuilder timeout(Duration value) {
        once("timeout", timeout != null);
        timeout = ConnectionImpl.checkDuration(COMPONENT, "timeout", value, Duration.ofMillis(1), Duration.ofMinutes(1),
                "how long a call may wait on Redis before its limiter's failure policy decides");
        return this;
    }

    /**
     * Sets how often a down Redis is probed. Default 1 s ({@link #DEFAULT_RECONNECT_INTERVAL}, as PID
     * {@code goflow.redis}).
     *
     * @param value 10 ms to 1 minute
     * @return this builder
     */
    public RedisConnectionBuilder reconnectInterval(Duration value) {
        once("reconnectInterval", reconnectInterval != null);
        reconnectInterval = ConnectionImpl.checkDuration(COMPONENT, "reconnectInterval", value,
                Duration.ofMillis(10), Duration.ofMinutes(1), "how often a Redis that went away is probed");
        return this;
    }

    /**
     * Sets the most pooled connections; one per thread that calls at the same time. Default 16.
     *
     * @param value 1 to 1024
     * @return this builder
     */
    public RedisConnectionBuilder poolSize(int value) {
        once("poolSize", poolSize != 0);
        if (value < 1 || value > 1024) {
            throw new InvalidConfigException(COMPONENT, "poolSize", value, "must be from 1 to 1024",
                    "the most connections open at once; one per thread calling at the same time");
        }
        poolSize = value;
        return this;
    }

    /**
     * Sets the user of Redis ACLs. Default: none (or the one in the URI).
     *
     * @param value the user name
     * @return this builder
     */
    public RedisConnectionBuilder user(String value) {
        once("user", user != null);
        if (value == null || value.isEmpty()) {
            throw new InvalidConfigException(COMPONENT, "user", value, "must not be empty", "");
        }
        user = value;
        return this;
    }

    /**
     * Sets the password; it is kept out of every message, log line and shell output. Default: none
     * (or the one in the URI).
     *
     * @param value the password
     * @return this builder
     */
    public RedisConnectionBuilder password(char[] value) {
        once("password", passwordSet);
        if (value == null || value.length == 0) {
            throw new InvalidConfigException(COMPONENT, "password", "****", "must not be empty", "");
        }
        password = value.clone();
        passwordSet = true;
        return this;
    }

    private void once(String field, boolean set) {
        if (set) {
            throw new InvalidConfigException(COMPONENT, field, field.equals("password") ? "****" : null,
                    "was already set", "set each option once");
        }
    }

    /**
     * Creates the connection's pool (no connection is opened yet: the first call opens one, and a
     * Redis that is not there yet is simply down until it answers).
     *
     * @return the connection
     */
    public RedisConnection build() {
        return new ConnectionImpl(name == null ? "redis" : name,
                uri == null ? URI.create("redis://127.0.0.1:6379") : uri,
                timeout == null ? DEFAULT_TIMEOUT : timeout,
                reconnectInterval == null ? DEFAULT_RECONNECT_INTERVAL : reconnectInterval,
                poolSize == 0 ? 16 : poolSize, user, password);
    }
}
