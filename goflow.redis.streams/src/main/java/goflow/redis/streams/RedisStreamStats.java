package goflow.redis.streams;

import goflow.api.inspect.Stats;

/**
 * A snapshot of a {@link RedisStreamConsumer}'s figures. Counters are this consumer's, since it was
 * built; {@code pending} is the consumer group's, read from Redis.
 *
 * @param read entries read from the stream (new ones, and claimed ones)
 * @param acknowledged entries acknowledged by this consumer: their result appended to the output
 *     stream, or dead-lettered (not an entry another consumer had acknowledged first: its outcome
 *     is not written again)
 * @param claimed entries claimed after they stayed unacknowledged for the idle time (from a
 *     consumer that died or stalled, or after a failed delivery of this one), each claim counted
 *     once when it hands the entry to the pipeline or dead-letters it (a claim that Redis failed
 *     in the middle of, taken again later, counts once)
 * @param failed deliveries that failed in the pipeline (the entry is delivered again, until the
 *     last allowed delivery)
 * @param deadLettered entries appended to the dead-letter stream and acknowledged
 * @param inFlight entries read by this consumer and not yet finished by the pipeline
 * @param pending entries of the whole group read and not yet acknowledged, as Redis counts them;
 *     -1 when Redis could not be asked
 * @param running whether the consumer is reading: started, not closed, and its pipeline not closed
 *     (a consumer whose pipeline was closed stops reading, and says so here)
 */
public record RedisStreamStats(long read, long acknowledged, long claimed, long failed, long deadLettered,
        int inFlight, long pending, boolean running) implements Stats {
}
