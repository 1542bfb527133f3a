package goflow.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The main class of one node of {@link FleetLimitIT}: a {@link RedisRateLimiter} on its own
 * connection, called by several threads as fast as they can from a wall-clock start time until a
 * wall-clock end time; prints {@code admitted=<n> first=<epoch ms> last=<epoch ms>} (first: when the
 * earliest admitted call returned; last: when the last call returned) and exits.
 *
 * <p>Arguments: the Redis port on 127.0.0.1, the limiter's name, rate, burst, threads, start and end
 * (epoch milliseconds).
 */
public final class LimiterProcess {
    private LimiterProcess() {
    }

    /**
     * Runs one node.
     *
     * @param args port, name, rate, burst, threads, startMillis, endMillis
     * @throws Exception if it cannot run
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long start = Long.parseLong(args[5]);
        long end = Long.parseLong(args[6]);
        AtomicLong admitted = new AtomicLong();
        AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        AtomicLong last = new AtomicLong();
        try (RedisConnection redis = RedisConnection.builder().name("node").uri("redis://127.0.0.1:" + port)
                .timeout(Duration.ofSeconds(1)).build()) {
            RedisRateLimiter limiter = redis.rateLimiter().name(args[1]).rate(Double.parseDouble(args[2]))
                    .burst(Long.parseLong(args[3])).build();
            Thread[] threads = new Thread[Integer.parseInt(args[4])];
            for (int i = 0; i < threads.length; i++) {
                threads[i] = new Thread(() -> {
                    while (System.currentTimeMillis() < start) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                    while (true) {
                        long before = System.currentTimeMillis();
                        if (before >= end) {
                            break;
                        }
                        boolean ok = limiter.allow();
                        long after = System.currentTimeMillis();
                        if (ok) {
                            admitted.incrementAndGet();
                            // The fleet's bucket starts (full) when Redis runs the first call, not when the
                            // threads start: a first call slowed by the JVM's warm-up (connection, script
                            // load: ~40 ms on JDK 25) would otherwise count 8 tokens of rate never offered.
                            first.accumulateAndGet(after, Math::min);
                        }
                        last.accumulateAndGet(after, Math::max);
                    }
                });
                threads[i].start();
            }
            for (Thread t : threads) {
                t.join();
            }
            System.out.println("admitted=" + admitted.get() + " first=" + first.get() + " last=" + last.get()
                    + " fallbacks=" + limiter.backendStats().fallbacks());
        }
    }
}
