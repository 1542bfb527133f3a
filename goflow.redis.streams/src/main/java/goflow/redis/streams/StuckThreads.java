package goflow.redis.streams;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Names the threads a close gave up on, for its WARNING: each thread's name, state, where it is
 * (top frame) and the first frame outside the JDK (the user code it is stuck in). The idea of
 * goflow.impl's StuckThreads, which is not exported.
 *
 * <p>Stateless and thread-safe.
 */
final class StuckThreads {
    private StuckThreads() {
    }

    /**
     * Describes the live threads among {@code threads} other than the calling thread, e.g.
     * {@code goflow-pipeline-orders-3 (TIMED_WAITING at java.base/jdk.internal.misc.Unsafe.park(Native
     * Method), in com.acme.Enricher.apply(Enricher.java:42))}, separated by spaces; empty if none.
     */
    static String describe(Collection<Thread> threads) {
        List<String> stuck = new ArrayList<>();
        for (Thread t : threads) {
            if (t != Thread.currentThread() && t.isAlive()) {
                stuck.add(describe(t));
            }
        }
        return String.join(" ", stuck);
    }

    /** Returns the live platform threads of the JVM whose name starts with {@code prefix}. */
    static Set<Thread> live(String prefix) {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all;
        int n;
        do { // enumerate drops what does not fit: try again with room to spare
            all = new Thread[root.activeCount() * 2 + 16];
            n = root.enumerate(all, true);
        } while (n == all.length);
        Set<Thread> named = new HashSet<>();
        for (int i = 0; i < n; i++) {
            if (all[i].getName().startsWith(prefix)) {
                named.add(all[i]);
            }
        }
        return named;
    }

    static String describe(Thread t) {
        StackTraceElement[] frames = t.getStackTrace();
        StringBuilder sb = new StringBuilder(t.getName()).append(" (").append(t.getState());
        if (frames.length > 0) {
            sb.append(" at ").append(frames[0]);
            for (StackTraceElement f : frames) {
                String c = f.getClassName();
                if (!(c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun."))) {
                    if (f != frames[0]) {
                        sb.append(", in ").append(f);
                    }
                    break;
                }
            }
        }
        return sb.append(')').toString();
    }
}
