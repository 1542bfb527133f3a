package goflow.impl.testing;

import java.time.Duration;
import java.util.concurrent.Callable;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ThrowingRunnable;

/**
 * Polling assertions for asynchronous tests, with generous timeouts: these machines have two busy
 * cores. Never use {@code Thread.sleep} as an assertion; wait for the condition instead.
 */
public final class Eventually {
    /** The longest any asynchronous condition is waited for. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    private Eventually() {
    }

    /**
     * Returns an Awaitility condition factory with the project's timeout and a short poll interval.
     *
     * @return the factory
     */
    public static ConditionFactory await() {
        return Awaitility.await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(5)).pollDelay(Duration.ZERO);
    }

    /**
     * Waits until {@code condition} is true.
     *
     * @param condition the condition to poll
     */
    public static void until(Callable<Boolean> condition) {
        await().until(condition);
    }

    /**
     * Waits until {@code assertion} passes.
     *
     * @param assertion assertions to retry until they pass
     */
    public static void untilAsserted(ThrowingRunnable assertion) {
        await().untilAsserted(assertion);
    }
}
