package goflow.redis;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The main class of one node of {@link FleetLimitIT}: a {@link RedisRateLimiter} on its own
 * connection, called by several threads as fast as they can from a wall-clock start time until a
 * wall-clock end time; prints {@code admitted=<n> firstCalled=<epoch ms> firstReturned=<epoch ms>
 * lastCalled=<epoch ms> lastReturned=<epoch ms>} and exits. Redis decided each call between its call
 * and its return: the first admission between the earliest call and the earliest return of an
 * admitted call, the last decision between the last call and the last return of any call.
 *
 * <p>Arguments: the Redis port on 127.0.0.1, the limiter's name, rate, burst and threads. Once its
 * limiter and threads are ready it prints {@code ready} and reads the start and end (epoch
 * milliseconds, one line, space-separated) from its standard input: the test sends them when every
 * node is ready, so a JVM slow to start on a loaded machine shortens no node's run.
 */
public final class LimiterProcess {
    private LimiterProcess() {
    }

    /**
     * Runs one node.
     *
     * @param args port, name, rate, burst, threads
     * @throws Exception if it cannot run
     */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        AtomicLong startAt = new AtomicLong(Long.MAX_VALUE);
        AtomicLong endAt = new AtomicLong(Long.MIN_VALUE);
        AtomicLong admitted = new AtomicLong();
        AtomicLong firstCalled = new AtomicLong(Long.MAX_VALUE);
        AtomicLong firstReturned = new AtomicLong(Long.MAX_VALUE);
        AtomicLong lastCalled = new AtomicLong();
        AtomicLong lastReturned = new AtomicLong();
        try (RedisConnection redis = RedisConnection.builder().name("node").uri("redis://127.0.0.1:" + port)
                .timeout(Duration.ofSeconds(1)).build()) {
            RedisRateLimiter limiter = redis.rateLimiter().name(args[1]).rate(Double.parseDouble(args[2]))
                    .burst(Long.parseLong(args[3])).build();
            Thread[] threads = new Thread[Integer.parseInt(args[4])];
            for (int i = 0; i < threads.length; i++) {
                threads[i] = new Thread(() -> {
                    while (System.currentTimeMillis() < startAt.get()) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                    while (true) {
                        long before = System.currentTimeMillis();
                        if (before >= endAt.get()) {
                            break;
                        }
                        boolean ok = limiter.allow();
                        long after = System.currentTimeMillis();
                        if (ok) {
                            admitted.incrementAndGet();
                            // The fleet's bucket starts (full) when Redis runs the first call, not when the
                            // threads start: a first call slowed by the JVM's warm-up (connection, script
                            // load: ~40 ms on JDK 25) would otherwise count 8 tokens of rate never offered.
                            firstCalled.accumulateAndGet(before, Math::min);
                            firstReturned.accumulateAndGet(after, Math::min);
                        }
                        lastCalled.accumulateAndGet(before, Math::max);
                        lastReturned.accumulateAndGet(after, Math::max);
                    }
                });
                threads[i].start();
            }
            System.out.println("ready");
            System.out.flush();
            String[] times = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                    java.nio.charset.StandardCharsets.UTF_8)).readLine().trim().split(" ");
            endAt.set(Long.parseLong(times[1])); // the end first: a thread that sees the start sees it
            startAt.set(Long.parseLong(times[0]));
            for (Thread t : threads) {
                t.join();
            }
            System.out.println("admitted=" + admitted.get() + " firstCalled=" + firstCalled.get() + " firstReturned="
                    + firstReturned.get() + " lastCalled=" + lastCalled.get() + " lastReturned=" + lastReturned.get()
                    + " fallbacks=" + limiter.backendStats().fallbacks());
        }
    }
}
