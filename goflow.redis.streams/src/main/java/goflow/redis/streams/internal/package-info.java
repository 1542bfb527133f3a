/**
 * The OSGi side of goflow.redis.streams (not exported): one {@link goflow.redis.streams.RedisStreamConsumer}
 * per factory configuration {@value goflow.redis.streams.internal.StreamConsumerConfig#PID}, started
 * when the configured pipeline's service is present, and the {@code goflow:redisstreams} command.
 */
package goflow.redis.streams.internal;
