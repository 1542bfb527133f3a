package goflow.impl.internal;

import java.util.List;

/**
 * Describes threads that a bounded close gave up on, for its WARNING: each thread's name, state,
 * where it is (top frame) and the first frame outside the JDK (the user code or output it is stuck
 * in). A thread without a name (as {@code Thread.ofVirtual().factory()} makes them) is named by its id,
 * {@code #42}; control characters in a name are escaped as in a Java string literal ({@code \n},
 * {@code \t}, four hex digits for the others), so the description stays one line of the log.
 *
 * <p>Stateless and thread-safe.
 */
public final class StuckThreads {
    private StuckThreads() {
    }

    /**
     * Describes one thread, e.g. {@code goflow-channel-pipe-in-1 (WAITING at
     * java.base/jdk.internal.misc.Unsafe.park(Native Method), in com.acme.Enricher.apply(Enricher.java:42))}.
     *
     * @param t the thread
     * @return its description
     */
    public static String describe(Thread t) {
        StackTraceElement[] frames = t.getStackTrace();
        StringBuilder sb = appendName(new StringBuilder(), t).append(" (").append(t.getState());
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

    private static StringBuilder appendName(StringBuilder sb, Thread t) {
        String name = t.getName();
        if (name.isEmpty()) {
            return sb.append('#').append(t.getId());
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb;
    }

    /**
     * Describes several threads, separated by spaces.
     *
     * @param threads the threads
     * @return their descriptions
     */
    public static String describe(List<Thread> threads) {
        StringBuilder sb = new StringBuilder();
        for (Thread t : threads) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(describe(t));
        }
        return sb.toString();
    }
}
