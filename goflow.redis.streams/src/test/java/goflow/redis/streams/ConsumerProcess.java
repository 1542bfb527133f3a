package goflow.redis.streams;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import goflow.api.GoFlow;
import goflow.api.pipeline.Pipeline;
import goflow.impl.GoFlowImpl;
import redis.clients.jedis.RedisClient;

/**
 * The main class of one consumer process of {@link FleetConsumersIT}: a goflow pipeline of two
 * stages fed by a {@link RedisStreamConsumer} of the group {@code workers}. It runs until a line
 * {@code stop} arrives on its standard input (then it closes the consumer, prints its statistics
 * as {@code stats read=.. acknowledged=.. claimed=..} and exits 0) or until it is killed.
 *
 * <p>Arguments: the Redis port on 127.0.0.1, the consumer name, the input stream, the output
 * stream, the claim idle time in milliseconds, the most entries in flight.
 */
public final class ConsumerProcess {
    private ConsumerProcess() {
    }

    /**
     * Runs one consumer.
     *
     * @param args port, consumer, input, output, claimIdleMillis, maxInFlight
     * @throws Exception if it cannot start
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        try (GoFlow goflow = new GoFlowImpl(); RedisClient redis = RedisClient.create("127.0.0.1", port)) {
            Pipeline<String, String> work = goflow.pipeline("work").input(String.class)
                    .stage("parse", s -> s.substring(s.indexOf('-') + 1))
                    .stage("square", s -> {
                        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(500)); // some work per item
                        long n = Long.parseLong(s);
                        return Long.toString(n * n);
                    }).build();
            RedisStreamConsumer consumer = RedisStreamConsumer.builder(redis).stream(args[2]).group("workers")
                    .consumer(args[1]).output(args[3]).claimIdle(Duration.ofMillis(Long.parseLong(args[4])))
                    .maxInFlight(Integer.parseInt(args[5])).block(Duration.ofMillis(100)).pipeline(work).build();
            consumer.start();
            System.out.println("started " + args[1]);
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("stop")) {
                // wait for the stop line
            }
            consumer.close(Duration.ofSeconds(10));
            RedisStreamStats s = consumer.stats();
            System.out.println("stats read=" + s.read() + " acknowledged=" + s.acknowledged() + " claimed="
                    + s.claimed() + " failed=" + s.failed() + " deadLettered=" + s.deadLettered());
            System.out.flush();
        }
    }
}
