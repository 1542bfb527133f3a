package goflow.bench;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

import goflow.redis.RedisConnection;
import goflow.redis.RedisRateLimiter;
import redis.clients.jedis.RedisClient;

/**
 * One fleet-wide decision against the local Redis: {@code goflow} is {@link RedisRateLimiter#allow()}
 * (one EVALSHA of the GCRA script; the rate, 1e9/s, is never the limit); {@code incr} is a bare
 * {@code INCR} on the same connection's pooled client, the floor of one round trip (a fixed-window
 * limiter's whole decision); {@code lease} is {@code allow()} with the local lease on (1000 tokens,
 * 100 ms), for a hot limiter. One thread and eight threads (a pool of 16 connections), and the
 * distribution of one thread's decision time ({@code latency}, p50 and p99 in the report). The benchmark
 * starts its own {@code redis-server} on a free 127.0.0.1 port and stops it by PID (Debian package
 * {@code redis-server}; the benchmark fails without it).
 *
 * <p>Run: {@code java -jar goflow.bench/target/benchmarks.jar RedisBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RedisBench {
    @Param({"goflow", "incr", "lease"})
    public String impl;

    private Process server;
    private RedisConnection redis;
    private RedisRateLimiter limiter;
    private RedisClient client;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        server = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--save",
                "", "--appendonly", "no", "--daemonize", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).directory(new File(System.getProperty("java.io.tmpdir")))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (RedisClient c = RedisClient.create("127.0.0.1", port)) {
                if ("PONG".equals(c.ping())) {
                    break;
                }
            } catch (RuntimeException notYet) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IOException("redis-server did not start on port " + port, notYet);
                }
                TimeUnit.MILLISECONDS.sleep(20);
            }
        }
        redis = RedisConnection.builder().name("bench").uri("redis://127.0.0.1:" + port)
                .timeout(Duration.ofSeconds(1)).poolSize(16).build();
        var b = redis.rateLimiter().name("bench").rate(1e9).burst(1_000_000);
        if (impl.equals("lease")) {
            b.localLease(1000, Duration.ofMillis(100));
        }
        limiter = b.build();
        client = redis.client();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        long denied = limiter.stats().denied();
        redis.close(); // closes its client too
        server.destroy();
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
            server.destroyForcibly();
        }
        if (denied > 0) {
            // the rate never limits here: a refusal means the figure measured refusals, not decisions
            throw new IllegalStateException("RedisBench " + impl + ": the limiter refused " + denied
                    + " decisions; the figures are not those of admitted decisions");
        }
    }

    private Object decide() {
        if (impl.equals("incr")) {
            return client.incr("bench:window");
        }
        return limiter.allow();
    }

    @Benchmark
    @Threads(1)
    public Object decide1() {
        return decide();
    }

    @Benchmark
    @Threads(8)
    public Object decide8() {
        return decide();
    }

    /**
     * The distribution of one decision's time on one thread: the report takes its p50 and p99.
     *
     * @return the decision
     */
    @Benchmark
    @Threads(1)
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Object latency() {
        return decide();
    }
}
