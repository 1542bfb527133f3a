package goflow.redis.streams;

import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.pipeline.Pipeline;
import redis.clients.jedis.UnifiedJedis;

/**
 * Builds a {@link RedisStreamConsumer}; from {@link RedisStreamConsumer#builder(UnifiedJedis)}.
 * Required: {@link #stream}, {@link #group}, {@link #output} and {@link #pipeline}. Each setter
 * checks its argument at once and names the field, the value and the rule when it is wrong.
 *
 * <p>Defaults: consumer name {@code <host>-<random>} (unique per process), field {@code data},
 * name as a primitive the consumer name, not listed in a GoFlow,
 * dead-letter stream {@code <stream>:dead}, batch 32, block 500 ms, claim idle 30 s, 3 deliveries,
 * at most 64 entries in flight, pipeline concurrency 4 and buffers of 16.
 *
 * <p>Not thread-safe: a builder belongs to one thread.
 */
public final class RedisStreamConsumerBuilder {
    private static final String C = "redis-stream-consumer";

    final UnifiedJedis redis;
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
        this.redis = Objects.requireNonNull(redis, "redis");
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
     * number of deliveries, then acknowledged.
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
        Objects.requireNonNull(time, "block");
        if (time.toMillis() < 1 || time.toMillis() > 1000) {
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
     * @param idle at least 10 ms
     * @return this builder
     */
    public RedisStreamConsumerBuilder claimIdle(Duration idle) {
        Objects.requireNonNull(idle, "claimIdle");
        if (idle.toMillis() < 10) {
            throw new InvalidConfigException(C, "claimIdle", idle, "must be at least 10 ms",
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
     * @throws InvalidConfigException if a required setting is missing, or the name is taken in
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
        if (name == null) {
            name = consumer;
        }
        RedisStreamConsumer built = new RedisStreamConsumer(this);
        if (goflow != null) {
            built.listing(goflow.register(built));
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
