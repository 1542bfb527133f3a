package goflow.redis.streams;

import java.util.ArrayList;
import java.util.List;

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
     * Describes the live threads of {@code group} other than the calling thread, e.g.
     * {@code goflow-pipeline-orders-3 (TIMED_WAITING at java.base/jdk.internal.misc.Unsafe.park(Native
     * Method), in com.acme.Enricher.apply(Enricher.java:42))}, separated by spaces; empty if none.
     */
    static String describe(ThreadGroup group) {
        Thread[] all = new Thread[group.activeCount() + 16];
        int n = group.enumerate(all, true);
        List<String> stuck = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (all[i] != Thread.currentThread() && all[i].isAlive()) {
                stuck.add(describe(all[i]));
            }
        }
        return String.join(" ", stuck);
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
