/**
 * The OSGi side of goflow.redis (not exported): the connection from configuration
 * {@value goflow.redis.RedisConnection#PID}, a fleet-wide token bucket per factory configuration
 * {@value goflow.redis.internal.osgi.RedisTokenBucketConfig#PID}, and the {@code goflow:redis}
 * command. Loaded only inside a framework.
 */
package goflow.redis.internal.osgi;
