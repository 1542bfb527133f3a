package goflow.impl.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.ratelimit.LeakyBucket;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.ratelimit.RateLimiterStats;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;
import goflow.impl.testing.Stress;

/**
 * Readings of a bucket taken while other threads admit from it are states that existed: with no
 * reservation, {@code tokens()}/{@code available()} stay in [0, burst] and {@code level()} in
 * [0, capacity], and a {@code stats()} snapshot never shows more tokens than its own burst while the
 * burst changes. A million readings on the real clock (the fault they guard against showed about
 * once in 10^5); about a second on two cores.
 */
@Stress
class ConsistentReadingsTest extends NoThreadLeaks.LeakCheckedTest {
    private static final int READINGS = 1_000_000;
    private static final int ADMITTERS = 3;
    /** Rounding at the boundary (BucketCore's slack) is a billionth of a token. */
    private static final double EPS = 1e-6;

    private final GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "readings");

    @AfterEach
    void closeAll() {
        goflow.close();
    }

    /** Runs {@code work} on admitter threads while this thread takes {@code READINGS} readings. */
    private static void underLoad(Runnable work, Consumer<Integer> reading) throws InterruptedException {
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < ADMITTERS; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (!done.get()) {
                        work.run();
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            }, "admitter-" + i);
            t.start();
            threads.add(t);
        }
        try {
            for (int i = 0; i < READINGS; i++) {
                reading.accept(i);
            }
        } finally {
            done.set(true);
            for (Thread t : threads) {
                t.join();
            }
        }
        if (failed.get() != null) {
            throw new AssertionError("an admitter failed", failed.get());
        }
    }

    @Test
    void tokenBucketTokensStayInRange() throws InterruptedException {
        RateLimiter l = goflow.tokenBucket().rate(1_000_000).burst(50).build();
        underLoad(l::allow, i -> {
            double tokens = l.tokens();
            assertTrue(tokens >= -EPS && tokens <= 50, () -> "reading " + i + ": tokens " + tokens);
        });
    }

    @Test
    void leakyBucketLevelAndAvailableStayInRange() throws InterruptedException {
        LeakyBucket l = goflow.leakyBucket().leakRate(1_000_000).capacity(50).build();
        underLoad(l::allow, i -> {
            double level = l.level();
            double available = l.available();
            assertTrue(level >= -EPS && level <= 50 + EPS, () -> "reading " + i + ": level " + level);
            assertTrue(available >= -EPS && available <= 50, () -> "reading " + i + ": available " + available);
        });
    }

    @Test
    void aStatsSnapshotNeverShowsMoreTokensThanItsBurst() throws InterruptedException {
        RateLimiter l = goflow.tokenBucket().rate(1_000_000).burst(50).build();
        long[] turn = new long[1];
        underLoad(() -> {
            l.allow();
            synchronized (turn) {
                if (++turn[0] % 64 == 0) {
                    l.setBurst(l.burst() == 50 ? 5 : 50);
                }
            }
        }, i -> {
            RateLimiterStats s = l.stats();
            assertTrue(s.tokens() <= s.burst() && s.tokens() >= -EPS,
                    () -> "reading " + i + ": tokens " + s.tokens() + " with burst " + s.burst());
        });
        assertEquals(1_000_000.0, l.rate().eventsPerSecond());
    }
}
