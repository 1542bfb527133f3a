package goflow.shell;

import java.time.Duration;
import java.util.concurrent.Callable;

import org.awaitility.Awaitility;

/**
 * Polling assertions for asynchronous tests, with generous timeouts: these machines have two busy
 * cores. Never use {@code Thread.sleep} as an assertion; wait for the condition instead.
 */
final class Eventually {
    /** The longest any asynchronous condition is waited for. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Eventually() {
    }

    /**
     * Waits until {@code condition} is true.
     *
     * @param condition the condition to poll
     */
    static void until(Callable<Boolean> condition) {
        Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(5)).pollDelay(Duration.ZERO).until(condition);
    }
}
