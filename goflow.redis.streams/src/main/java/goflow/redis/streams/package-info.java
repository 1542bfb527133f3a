/**
 * Pipelines across a fleet on Redis Streams: a {@link goflow.redis.streams.RedisStreamConsumer}
 * feeds the entries of a stream, read through a consumer group, into a goflow
 * {@link goflow.api.pipeline.Pipeline} running in streaming mode, and acknowledges each entry only
 * once the pipeline has finished it: its result appended to an output stream (in the same atomic
 * script as the acknowledgement), or, after a configured number of failed deliveries, the entry
 * with its error appended to a dead-letter stream. Entries of a consumer that died are claimed by
 * the others after an idle time. Delivery is at least once; see docs/redis-streams.md for the
 * guarantee and its limits.
 */
@Export
@Version("0.2.0")
package goflow.redis.streams;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
