package goflow.web;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last frames the sampler took, oldest first, at most {@code capacity} of them.
 *
 * <p>Thread-safe: the sampler adds while servlets and health checks read; every method holds the
 * monitor of this object, which guards {@code frames}, for a copy of references at most.
 */
final class History {
    private final int capacity;
    /** Guarded by this. Oldest first. */
    private final ArrayDeque<Frame> frames = new ArrayDeque<>();

    History(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("history must hold at least 2 frames, not " + capacity);
        }
        this.capacity = capacity;
    }

    synchronized void add(Frame frame) {
        if (frames.size() == capacity) {
            frames.removeFirst();
        }
        frames.addLast(frame);
    }

    /** Every frame, oldest first. */
    synchronized List<Frame> frames() {
        return new ArrayList<>(frames);
    }

    /**
     * The oldest frame no older than {@code window} before {@code nowNanos}, or the oldest frame
     * when the history is shorter than the window; {@code null} when there is none.
     */
    synchronized Frame since(long nowNanos, Duration window) {
        long start = nowNanos - window.toNanos();
        for (Frame f : frames) {
            if (f.nanos() - start >= 0) {
                return f;
            }
        }
        return frames.peekLast();
    }
}
