package goflow.redis.streams;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.pipeline.Pipeline;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;

/**
 * Builds a {@link RedisStreamConsumer}; from {@link RedisStreamConsumer#builder()} (the consumer
 * connects with {@link #uri}, {@link #user}, {@link #password} and {@link #timeout}, and closes
 * its connection when closed) or {@link RedisStreamConsumer#builder(UnifiedJedis)} (on a client
 * the caller made and closes). Required: {@link #stream}, {@link #group}, {@link #output} and
 * {@link #pipeline}. Each setter checks its argument at once and names the field, the value and
 * the rule when it is wrong (a password is never shown).
 *
 * <p>The connection settings have the names, meaning, validation and defaults of goflow.redis's
 * {@code RedisConnectionBuilder} (and the properties of PID {@code goflow.redis}), so a fleet
 * configures Redis the same way for both; the code is a copy, because this bundle imports
 * goflow.api and Jedis only.
 *
 * <p>Defaults: consumer name {@code <host>-<random>} (unique per process), field {@code data},
 * name as a primitive the consumer name, not listed in a GoFlow,
 * dead-letter stream {@code <stream>:dead}, batch 32, block 500 ms, claim idle 30 s, 3 deliveries,
 * at most 64 entries in flight, pipeline concurrency 4 and buffers of 16; connection (with
 * {@link RedisStreamConsumer#builder()}) {@code redis://127.0.0.1:6379}, no user or password, timeout
 * 200 ms; reconnect interval 1 s.
 *
 * <p>Not thread-safe: a builder belongs to one thread.
 */
public final class RedisStreamConsumerBuilder {
    private static final String C = "redis-stream-consumer";
    /** The per-call timeout when none is set: 200 ms, goflow.redis's (PID {@code PT0.2S}). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(200);
    /** How often a down Redis is tried again when nothing is set: 1 s, goflow.redis's (PID {@code PT1S}). */
    public static final Duration DEFAULT_RECONNECT_INTERVAL = Duration.ofSeconds(1);

    /** The client given to builder(UnifiedJedis), or null: the consumer connects itself. */
    final UnifiedJedis redis;
    URI uri;
    String user;
    char[] password;
    Duration timeout;
    Duration reconnectInterval = DEFAULT_RECONNECT_INTERVAL;
    String stream;
    String group;
    String consumer;
    String field = "data";
    String output;
    String deadLetter;
    int batch = 32;
    Duration block = Duration.ofMillis(500);
    Duration claimIdle = Duration.ofSeconds(30);
    int maxDeliveries = 3;
    int maxInFlight = 64;
    int concurrency = 4;
    int buffer = 16;
    Pipeline<String, ?> pipeline;
    String name;
    GoFlow goflow;

    RedisStreamConsumerBuilder(UnifiedJedis redis) {
        this.redis = redis;
    }

    /**
     * Sets where Redis is: {@code redis://host:port[/db]} (or {@code rediss://} for TLS); user and
     * password may be given in it ({@code redis://user:secret@host:port}) or with {@link #user}
     * and {@link #password}, which win. Default {@code redis://127.0.0.1:6379}. Only with
     * {@link RedisStreamConsumer#builder()}.
     *
     * @param value the URI
     * @return this builder
     */
    public RedisStreamConsumerBuilder uri(String value) {
        ownConnection("uri");
        if (value == null || value.isBlank()) {
            throw new InvalidConfigException(C, "uri", value, "must be a redis:// or rediss:// URI",
                    "for example redis://127.0.0.1:6379/0");
        }
        URI parsed;
        try {
            parsed = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw new InvalidConfigException(C, "uri", hideSecret(value), "must be a redis:// or rediss:// URI",
                    "for example redis://127.0.0.1:6379/0");
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("redis") && !scheme.equals("rediss") || parsed.getHost() == null) {
            throw new InvalidConfigException(C, "uri", hideSecret(value), "must be a redis:// or rediss:// URI with a host",
                    "for example redis://127.0.0.1:6379/0");
        }
        if (parsed.getPort() != -1 && (parsed.getPort() < 1 || parsed.getPort() > 65535)) {
            // java.net.URI takes any digits as a port: refused here, not by the socket at every connect
            throw new InvalidConfigException(C, "uri", hideSecret(value),
                    "the port must be from 1 to 65535 (or left out for 6379)", "for example redis://127.0.0.1:6379/0");
        }
        String path = parsed.getPath() == null ? "" : parsed.getPath();
        if (!path.isEmpty() && !path.equals("/") && !path.substring(1).matches("\\d{1,9}")) {
            // Redis numbers its databases from 0 below its `databases` setting (16 by default, up to
            // 2^31-1): any number of up to 9 digits fits an int; one beyond the server's is refused
            // by it at the first connection, and said so (the reconnect probe logs the refusal)
            throw new InvalidConfigException(C, "uri", hideSecret(value), "the path must be a database number",
                    "for example redis://127.0.0.1:6379/2");
        }
        this.uri = parsed;
        return this;
    }

    /**
     * Sets the user of Redis ACLs. Default: none (or the one in the URI). Only with
     * {@link RedisStreamConsumer#builder()}.
     *
     * @param value the user name
     * @return this builder
     */
    public RedisStreamConsumerBuilder user(String value) {
        ownConnection("user");
        if (value == null || value.isEmpty()) {
            throw new InvalidConfigException(C, "user", value, "must not be empty", "");
        }
        this.user = value;
        return this;
    }

    /**
     * Sets the password; it is kept out of every message, log line and shell output. Default: none
     * (or the one in the URI). Only with {@link RedisStreamConsumer#builder()}.
     *
     * @param value the password
     * @return this builder
     */
    public RedisStreamConsumerBuilder password(char[] value) {
        ownConnection("password");
        if (value == null || value.length == 0) {
            throw new InvalidConfigException(C, "password", "****", "must not be empty", "");
        }
        this.password = value.clone();
        return this;
    }

    /**
     * Sets the hard per-call timeout: no call waits on Redis longer (a read waits at most
     * {@link #block} more); it is also the connect timeout. Default 200 ms, as goflow.redis. Only with
     * {@link RedisStreamConsumer#builder()}.
     *
     * @param value 1 ms to 1 minute
     * @return this builder
     */
    public RedisStreamConsumerBuilder timeout(Duration value) {
        ownConnection("timeout");
        this.timeout = duration(value, "timeout", Duration.ofMillis(1), Duration.ofMinutes(1),
                "how long a call may wait on Redis before it fails (the entries it concerned are claimed again)");
        return this;
    }

    /**
     * Sets how often a down Redis is tried again: reading, and restarting the pipeline run after a
     * failed write. Default 1 s, as goflow.redis.
     *
     * @param value 10 ms to 1 minute
     * @return this builder
     */
    public RedisStreamConsumerBuilder reconnectInterval(Duration value) {
        this.reconnectInterval = duration(value, "reconnectInterval", Duration.ofMillis(10), Duration.ofMinutes(1),
                "how often a Redis that went away is probed");
        return this;
    }

    private void ownConnection(String field) {
        if (redis != null) {
            throw new InvalidConfigException(C, field, "password".equals(field) ? "****" : null,
                    "cannot be set on a consumer built on a client",
                    "builder(UnifiedJedis) uses the client's connection; use builder() to connect with these settings");
        }
    }

    private static Duration duration(Duration value, String field, Duration min, Duration max, String hint) {
        if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new InvalidConfigException(C, field, value, "must be from " + min + " to " + max, hint);
        }
        return value;
    }

    /**
     * Replaces the password of a URI (and anything that looks like one) by {@code ****}: all from
     * {@code ://} to the last {@code @}, since a password pasted unescaped may hold {@code @} and
     * {@code /} (the URI is then refused, and its message must not show the rest of it); from the
     * start when there is no {@code ://} before that {@code @} (the scheme or a slash left out,
     * {@code user:secret@host}: refused too), as goflow.redis's connection does.
     */
    static String hideSecret(String uri) {
        int at = uri == null ? -1 : uri.lastIndexOf('@');
        if (at < 0) {
            return uri;
        }
        int slashes = uri.indexOf("://");
        return (slashes >= 0 && slashes < at ? uri.substring(0, slashes + 3) : "") + "****" + uri.substring(at);
    }

    /** The URI the consumer's own connection goes to: the one set, or the default. */
    private URI target() {
        return uri == null ? URI.create("redis://127.0.0.1:6379") : uri;
    }

    private int port() {
        return target().getPort() > 0 ? target().getPort() : 6379;
    }

    /** The database number in the URI's path, 0 when it names none. */
    private int database() {
        String path = target().getPath() == null ? "" : target().getPath();
        return path.length() > 1 ? Integer.parseInt(path.substring(1)) : 0;
    }

    /**
     * The {@code user:password} written in the URI: {user or null, password or null}, as goflow.redis
     * reads them: {@code redis://:secret@} is a password alone, {@code redis://user@} a user alone
     * (RFC 3986). Split at the first colon before decoding (an escaped {@code %3A} belongs to the user
     * or password), then only {@code %XX} escapes are decoded: a '+' is a plus, not a space as
     * URLDecoder's HTML-form rules would have it.
     */
    private String[] uriCredentials() {
        String info = target().getRawUserInfo();
        if (info == null) {
            return new String[] {null, null};
        }
        int colon = info.indexOf(':');
        String usr = colon == 0 ? null : percentDecode(colon < 0 ? info : info.substring(0, colon));
        return new String[] {usr, colon < 0 ? null : percentDecode(info.substring(colon + 1))};
    }

    /** Decodes the {@code %XX} escapes of a URI component (already checked by {@link URI}); '+' stays. */
    private static String percentDecode(String raw) {
        return java.net.URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Where the consumer's own connection goes, for messages: host:port/db. */
    String endpoint() {
        return target().getHost() + ":" + port() + "/" + database();
    }

    /** The user the consumer's own connection authenticates as ({@link #user} wins), or null for the default user. */
    String effectiveUser() {
        return user != null ? user : uriCredentials()[0];
    }

    /** Opens the consumer's own pooled client (connections are opened on first use), as goflow.redis does. */
    private RedisClient connect() {
        String usr = effectiveUser();
        String pw = password != null ? new String(password) : uriCredentials()[1];
        Duration t = timeout == null ? DEFAULT_TIMEOUT : timeout;
        int millis = (int) Math.max(1, t.toMillis());
        DefaultJedisClientConfig.Builder cfg = DefaultJedisClientConfig.builder().connectionTimeoutMillis(millis)
                .socketTimeoutMillis(millis).blockingSocketTimeoutMillis(millis + (int) block.toMillis())
                .database(database()).clientName(clientName(consumer));
        if ("rediss".equalsIgnoreCase(target().getScheme())) {
            cfg.sslOptions(SslOptions.defaults()); // TLS with the JVM's trust store
        }
        if (usr != null && !usr.isEmpty()) {
            cfg.user(usr);
        }
        if (pw != null && !pw.isEmpty()) {
            cfg.password(pw);
        }
        return RedisClient.builder().hostAndPort(new HostAndPort(target().getHost(), port())).clientConfig(cfg.build())
                .build();
    }

    /**
     * The name of the consumer's own connections ({@code CLIENT LIST}): {@code goflow-stream-<consumer>},
     * the consumer's name percent-encoded (as UTF-8) where it has a character outside {@code '!'} to
     * {@code '~'}, the only ones Redis (and Jedis) take in a client name; a consumer name may have any.
     */
    static String clientName(String consumer) {
        StringBuilder name = new StringBuilder("goflow-stream-");
        for (byte b : consumer.getBytes(StandardCharsets.UTF_8)) {
            if (b >= '!' && b <= '~' && b != '%') {
                name.append((char) b);
            } else {
                name.append('%').append(String.format(Locale.ROOT, "%02X", b & 0xff));
            }
        }
        return name.toString();
    }

    /**
     * Sets the stream to read (its key).
     *
     * @param key the stream's key; hash-tag it with the output and dead-letter streams on Redis
     *     Cluster ({@code {orders}:in}), since one script writes the output and acknowledges
     * @return this builder
     */
    public RedisStreamConsumerBuilder stream(String key) {
        this.stream = key(key, "stream");
        return this;
    }

    /**
     * Sets the consumer group (created, at the stream's start, when missing).
     *
     * @param name the group's name
     * @return this builder
     */
    public RedisStreamConsumerBuilder group(String name) {
        this.group = key(name, "group");
        return this;
    }

    /**
     * Sets this consumer's name in the group (default {@code <host>-<random>}, unique per process):
     * a restarted process with a new name leaves its predecessor's entries to be claimed.
     *
     * @param name unique among the group's live consumers
     * @return this builder
     */
    public RedisStreamConsumerBuilder consumer(String name) {
        this.consumer = key(name, "consumer");
        return this;
    }

    /**
     * Sets the entry field whose value is the pipeline's input (default {@code data}).
     *
     * @param name the field's name
     * @return this builder
     */
    public RedisStreamConsumerBuilder field(String name) {
        this.field = key(name, "field");
        return this;
    }

    /**
     * Sets the stream the results are appended to: field {@link #field} holds the result's
     * {@code String.valueOf}, field {@code source} the input entry's id.
     *
     * @param key the output stream's key
     * @return this builder
     */
    public RedisStreamConsumerBuilder output(String key) {
        this.output = key(key, "output");
        return this;
    }

    /**
     * Sets the dead-letter stream (default {@code <stream>:dead}): an entry that failed its last
     * allowed delivery is appended there with its input, its error, the failed stage and the
     * number of deliveries, then acknowledged. It must differ from the stream read ({@link #build()}
     * checks it): dead letters appended there would be read and fail again, for ever.
     *
     * @param key the dead-letter stream's key
     * @return this builder
     */
    public RedisStreamConsumerBuilder deadLetter(String key) {
        this.deadLetter = key(key, "deadLetter");
        return this;
    }

    /**
     * Sets how many entries one read asks for at most (default 32).
     *
     * @param count from 1 to 10000
     * @return this builder
     */
    public RedisStreamConsumerBuilder batch(int count) {
        this.batch = range(count, 1, 10_000, "batch", "entries one XREADGROUP asks for");
        return this;
    }

    /**
     * Sets how long one read waits on Redis for new entries (default 500 ms); also the longest a
     * {@link RedisStreamConsumer#close() close} waits for the reading thread to notice.
     *
     * @param time from 1 ms to 1 s (below the client's socket timeout)
     * @return this builder
     */
    public RedisStreamConsumerBuilder block(Duration time) {
        if (time == null || time.compareTo(Duration.ofMillis(1)) < 0 || time.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new InvalidConfigException(C, "block", time, "must be from 1 ms to 1 s",
                    "how long one XREADGROUP waits for new entries; it must stay below the socket timeout");
        }
        this.block = time;
        return this;
    }

    /**
     * Sets how long an entry stays unacknowledged before any consumer of the group claims it
     * (default 30 s): longer than the slowest entry takes, or entries still being worked on are
     * delivered twice.
     *
     * @param idle from 10 ms to 365 days
     * @return this builder
     */
    public RedisStreamConsumerBuilder claimIdle(Duration idle) {
        if (idle == null || idle.compareTo(Duration.ofMillis(10)) < 0 || idle.compareTo(Duration.ofDays(365)) > 0) {
            throw new InvalidConfigException(C, "claimIdle", idle, "must be from 10 ms to 365 days",
                    "how long an unacknowledged entry waits before another consumer claims it");
        }
        this.claimIdle = idle;
        return this;
    }

    /**
     * Sets how many deliveries an entry gets (default 3): when the last one fails the entry goes to
     * the dead-letter stream.
     *
     * @param deliveries from 1 to 1000
     * @return this builder
     */
    public RedisStreamConsumerBuilder maxDeliveries(int deliveries) {
        this.maxDeliveries = range(deliveries, 1, 1000, "maxDeliveries", "deliveries before an entry is dead-lettered");
        return this;
    }

    /**
     * Sets the most entries this consumer holds read and not yet finished (default 64): a slow
     * pipeline reads no more than this from Redis.
     *
     * @param entries from 1 to 100000
     * @return this builder
     */
    public RedisStreamConsumerBuilder maxInFlight(int entries) {
        this.maxInFlight = range(entries, 1, 100_000, "maxInFlight", "entries read and not yet finished");
        return this;
    }

    /**
     * Sets the pipeline's streaming concurrency: workers per stage (default 4).
     *
     * @param workers from 1 to 1024
     * @return this builder
     */
    public RedisStreamConsumerBuilder concurrency(int workers) {
        this.concurrency = range(workers, 1, 1024, "concurrency", "workers per stage of the streaming run");
        return this;
    }

    /**
     * Sets the buffer in front of each stage of the streaming run (default 16).
     *
     * @param capacity from 1 to 100000
     * @return this builder
     */
    public RedisStreamConsumerBuilder buffer(int capacity) {
        this.buffer = range(capacity, 1, 100_000, "buffer", "items waiting in front of each stage");
        return this;
    }

    /**
     * Sets the consumer's name as a goflow primitive (default: its {@link #consumer} name).
     *
     * @param name 1 to 128 characters, no whitespace; unique in the {@link #listIn GoFlow} it is
     *     listed in
     * @return this builder
     */
    public RedisStreamConsumerBuilder name(String name) {
        this.name = key(name, "name");
        return this;
    }

    /**
     * Lists the consumer in a {@link GoFlow}'s registry ({@link GoFlow#register}), so that the
     * shell, JMX, {@code /metrics} and the dashboard show it as a {@code stream-consumer}; closing
     * the consumer removes it (default: not listed).
     *
     * @param goflow the GoFlow, usually the one of the bundle or service that builds the consumer
     * @return this builder
     */
    public RedisStreamConsumerBuilder listIn(GoFlow goflow) {
        this.goflow = Objects.requireNonNull(goflow, "goflow");
        return this;
    }

    /**
     * Sets the pipeline each entry's {@link #field} value goes through.
     *
     * @param pipeline a pipeline whose input is a {@code String}
     * @return this builder
     */
    public RedisStreamConsumerBuilder pipeline(Pipeline<String, ?> pipeline) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        return this;
    }

    /**
     * Builds the consumer (nothing is read until {@link RedisStreamConsumer#start()}) and lists it
     * in the GoFlow given to {@link #listIn}, if any.
     *
     * @return the consumer
     * @throws InvalidConfigException if a required setting is missing, the output or the dead-letter
     *     stream is the stream read, the dead-letter stream is the output, or the name is taken in
     *     that GoFlow
     */
    public RedisStreamConsumer build() {
        for (String[] required : new String[][] {{"stream", stream}, {"group", group}, {"output", output}}) {
            if (required[1] == null) {
                throw new InvalidConfigException(C, required[0], null, "is required", "");
            }
        }
        if (pipeline == null) {
            throw new InvalidConfigException(C, "pipeline", null, "is required", "the pipeline entries go through");
        }
        if (output.equals(stream)) {
            throw new InvalidConfigException(C, "output", output, "must differ from the stream read",
                    "results appended to the stream read would be read again");
        }
        if (consumer == null) {
            consumer = host() + "-" + UUID.randomUUID().toString().substring(0, 8);
        }
        if (deadLetter == null) {
            deadLetter = stream + ":dead";
        }
        if (deadLetter.equals(stream)) {
            throw new InvalidConfigException(C, "deadLetter", deadLetter, "must differ from the stream read",
                    "dead letters appended to the stream read would be read, fail and be appended again for ever");
        }
        if (deadLetter.equals(output)) {
            throw new InvalidConfigException(C, "deadLetter", deadLetter, "must differ from the output stream",
                    "dead letters among the results would reach the output's readers as results");
        }
        if (name == null) {
            name = consumer;
        }
        RedisClient own = redis == null ? connect() : null;
        RedisStreamConsumer built;
        try {
            built = new RedisStreamConsumer(this, own);
            if (goflow != null) {
                built.listing(goflow.register(built));
            }
        } catch (RuntimeException | Error e) {
            if (own != null) {
                own.close();
            }
            throw e;
        }
        return built;
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "consumer";
        }
    }

    private static String key(String value, String field) {
        if (value == null || value.isBlank() || value.chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidConfigException(C, field, value, "must be a non-empty name without whitespace", "");
        }
        return value;
    }

    private static int range(int value, int min, int max, String field, String meaning) {
        if (value < min || value > max) {
            throw new InvalidConfigException(C, field, value, "must be from " + min + " to " + max, meaning);
        }
        return value;
    }
}
