package goflow.redis;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import goflow.api.GoFlow;
import goflow.api.schedule.Scheduler;
import goflow.impl.GoFlowImpl;
import redis.clients.jedis.RedisClient;

/**
 * The main class of one node of {@link FleetScheduleIT}: a scheduler with a cron task every second
 * that runs once per cluster on goflow.redis's leases; each run appends {@code <second>|<node>} to
 * the Redis list {@code {fleet}:runs}. Runs until a line {@code stop} arrives or it is killed.
 *
 * <p>Arguments: the Redis port on 127.0.0.1, the node's name, the lease time to live in ms.
 */
public final class SchedulerProcess {
    private SchedulerProcess() {
    }

    /**
     * Runs one node.
     *
     * @param args port, node, ttlMillis
     * @throws Exception if it cannot run
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String node = args[1];
        try (GoFlow goflow = new GoFlowImpl();
                RedisConnection redis = RedisConnection.builder().name(node).uri("redis://127.0.0.1:" + port)
                        .timeout(Duration.ofMillis(500)).build();
                RedisClient log = RedisClient.create("127.0.0.1", port)) {
            Scheduler scheduler = goflow.scheduler().name("fleet").workers(1).build();
            scheduler.task(ctx -> {
                String second = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
                log.rpush("{fleet}:runs", second + "|" + node);
            }).id("tick").oncePerCluster(redis.leases(), Duration.ofMillis(Long.parseLong(args[2])))
                    .cron("* * * * * *");
            scheduler.start();
            System.out.println("started " + node);
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("stop")) {
                // wait for the stop line
            }
            scheduler.close();
        }
    }
}
