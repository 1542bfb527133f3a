package goflow.redis.internal.osgi;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the Redis connection (PID {@value goflow.redis.RedisConnection#PID}). */
@ObjectClassDefinition(id = goflow.redis.RedisConnection.PID, name = "goflow Redis connection",
        description = "The Redis server goflow's fleet-wide limiters and leases use, registered as a "
                + "goflow.redis.RedisConnection service and a LeaseProvider (goflow.lease.name=redis). A change "
                + "recreates it.")
public @interface RedisConnectionConfig {
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
    @AttributeDefinition(name = "Timeout", description = "No call waits on Redis longer (ISO-8601, default PT0.2S).")
    String timeout() default "PT0.2S";

    /**
     * How often a down Redis is probed.
     *
     * @return an ISO-8601 duration
     */
    @AttributeDefinition(name = "Reconnect interval", description = "ISO-8601, default PT1S.")
    String reconnectInterval() default "PT1S";

    /**
     * The pool size.
     *
     * @return 1 to 1024
     */
    @AttributeDefinition(name = "Pool size", min = "1", description = "Pooled connections, default 16.")
    int poolSize() default 16;
}
