package goflow.redis.streams.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of one Redis stream consumer (factory PID {@value #PID}). */
@ObjectClassDefinition(id = StreamConsumerConfig.PID, name = "goflow Redis stream consumer",
        description = "Feeds the entries of a Redis stream, read through a consumer group, into a goflow pipeline "
                + "service (goflow.name), at least once. A change recreates it.")
public @interface StreamConsumerConfig {
    /** The factory PID. */
    String PID = "goflow.redis.stream";

    /**
     * The consumer's name as a goflow primitive.
     *
     * @return the name, or empty for the configuration's name (or the consumer name)
     */
    @AttributeDefinition(name = "Name", required = false, description = "The name goflow:stats, /metrics and the "
            + "dashboard show. Default: the name of the factory configuration, else the consumer name.")
    String name() default "";

    /*
     * The connection: uri, user, password, timeout and reconnectInterval are those of PID goflow.redis
     * (RedisConnectionConfig), with the same names, meaning, checks and defaults. The code is a copy:
     * this bundle imports goflow.api and Jedis only.
     */

    /**
     * The server.
     *
     * @return a redis:// URI without credentials
     */
    @AttributeDefinition(name = "URI", description = "redis://host:port[/database]; credentials go in user and "
            + "password.")
    String uri() default "redis://127.0.0.1:6379";

    /**
     * The user.
     *
     * @return the ACL user, or empty for the default user
     */
    @AttributeDefinition(name = "User", required = false, description = "The ACL user; empty for the default.")
    String user() default "";

    /**
     * The password.
     *
     * @return the password, or empty for none
     */
    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, required = false,
            description = "Never logged or shown.")
    String password() default "";

    /**
     * The hard per-call timeout.
     *
     * @return an ISO-8601 duration
     */
    @AttributeDefinition(name = "Timeout", description = "No call waits on Redis longer (a read waits at most block "
            + "more) (ISO-8601, default PT0.2S).")
    String timeout() default "PT0.2S";

    /**
     * How often a down Redis is probed.
     *
     * @return an ISO-8601 duration
     */
    @AttributeDefinition(name = "Reconnect interval", description = "ISO-8601, default PT1S.")
    String reconnectInterval() default "PT1S";

    /**
     * The stream read.
     *
     * @return its key
     */
    @AttributeDefinition(name = "Stream", description = "The key of the stream read.")
    String stream();

    /**
     * The consumer group.
     *
     * @return its name
     */
    @AttributeDefinition(name = "Group", description = "The consumer group (created when missing).")
    String group();

    /**
     * This consumer's name.
     *
     * @return the name, or empty for host and a random suffix
     */
    @AttributeDefinition(name = "Consumer", required = false, description = "This consumer's name in the group; "
            + "default <host>-<random>.")
    String consumer() default "";

    /**
     * The output stream.
     *
     * @return its key
     */
    @AttributeDefinition(name = "Output", description = "The stream results are appended to.")
    String output();

    /**
     * The dead-letter stream.
     *
     * @return its key, or empty for stream:dead
     */
    @AttributeDefinition(name = "Dead letter", required = false, description = "Where entries go after their last "
            + "failed delivery; default <stream>:dead.")
    String deadLetter() default "";

    /**
     * The pipeline.
     *
     * @return the goflow.name of a Pipeline service
     */
    @AttributeDefinition(name = "Pipeline", description = "The goflow.name of the pipeline the entries go through "
            + "(a configured goflow.pipeline); the consumer waits for it.")
    String pipeline();

    /**
     * The entry field.
     *
     * @return its name
     */
    @AttributeDefinition(name = "Field", description = "The entry field that is the pipeline's input. Default data.")
    String field() default "data";

    /**
     * Entries per read.
     *
     * @return 1 to 10000
     */
    @AttributeDefinition(name = "Batch", min = "1", description = "Entries one read asks for. Default 32.")
    int batch() default 32;

    /**
     * The longest wait of one read.
     *
     * @return an ISO-8601 duration
     */
    @AttributeDefinition(name = "Block", description = "Longest wait of one read, 1 ms to 1 s. Default PT0.5S.")
    String block() default "PT0.5S";

    /**
     * The claim idle time.
     *
     * @return an ISO-8601 duration
     */
    @AttributeDefinition(name = "Claim idle", description = "Idle time after which pending entries are claimed, 10 ms to 365 days. "
            + "Default PT30S.")
    String claimIdle() default "PT30S";

    /**
     * Deliveries before the dead-letter stream.
     *
     * @return 1 to 1000
     */
    @AttributeDefinition(name = "Max deliveries", min = "1", description = "Deliveries before the dead-letter "
            + "stream. Default 3.")
    int maxDeliveries() default 3;

    /**
     * Entries read and not finished, at most.
     *
     * @return 1 to 100000
     */
    @AttributeDefinition(name = "Max in flight", min = "1", description = "Entries read and not finished, at most. "
            + "Default 64.")
    int maxInFlight() default 64;

    /**
     * Workers per stage.
     *
     * @return 1 to 1024
     */
    @AttributeDefinition(name = "Concurrency", min = "1", description = "Workers per stage. Default 4.")
    int concurrency() default 4;
}
