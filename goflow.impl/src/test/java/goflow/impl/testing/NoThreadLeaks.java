package goflow.impl.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension that fails a test when it leaves threads behind: every thread alive after the
 * test that was not alive before it (polled for up to 10 s, so threads that are already stopping
 * get time to end). The shared {@code goflow-timer} thread of {@link goflow.api.Clock#system()}
 * ends by itself when idle, so it is waited for like any other.
 *
 * <p>Use it with {@code @ExtendWith(NoThreadLeaks.class)} on a test class, or extend
 * {@link LeakCheckedTest}.
 */
public final class NoThreadLeaks implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NoThreadLeaks.class);
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(10);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("before", liveThreads());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void afterEach(ExtensionContext context) throws InterruptedException {
        Set<Thread> before = (Set<Thread>) context.getStore(NS).get("before");
        long end = System.nanoTime() + WAIT_NANOS;
        List<Thread> leaked;
        do {
            leaked = liveThreads().stream().filter(t -> !before.contains(t)).collect(Collectors.toList());
            if (leaked.isEmpty()) {
                return;
            }
            Thread.sleep(20);
        } while (System.nanoTime() - end < 0);
        StringBuilder sb = new StringBuilder("threads leaked by the test:");
        for (Thread t : leaked) {
            sb.append("\n  ").append(t.getName()).append(" (").append(t.getState()).append(')');
            for (StackTraceElement e : t.getStackTrace()) {
                sb.append("\n      at ").append(e);
            }
        }
        fail(sb.toString());
    }

    private static Set<Thread> liveThreads() {
        Set<Thread> all = new HashSet<>(Thread.getAllStackTraces().keySet());
        all.removeIf(t -> !t.isAlive() || isJvmThread(t));
        return all;
    }

    private static boolean isJvmThread(Thread t) {
        String n = t.getName();
        // JUnit, surefire and JDK housekeeping threads that come and go on their own.
        return n.startsWith("surefire-") || n.equals("process reaper") || n.startsWith("ForkJoinPool.commonPool")
                || n.equals("Common-Cleaner") || n.startsWith("junit-");
    }

    /** A base class for tests that must not leak threads. */
    @ExtendWith(NoThreadLeaks.class)
    public abstract static class LeakCheckedTest {
        /** For subclasses. */
        protected LeakCheckedTest() {
        }
    }
}
