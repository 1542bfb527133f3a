package goflow.web;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last frames the sampler took, oldest first, as {@link PastFrame}s (their numbers only): at
 * most {@code capacity} of them, and fewer when they would cost more than the budget, but at least 2.
 *
 * <p>Memory is bounded whatever the number of primitives: {@link #retained()} counts units of
 * about 8 bytes and never exceeds the budget ({@value #BUDGET} units, about 32 MB, by default)
 * unless two frames alone do. A frame costs {@value #FRAME_COST} units plus one a numeric figure
 * of each row; its {@link PastFrame.Layout} costs {@link PastFrame.Layout#cost} (16 units a row,
 * and 8 a figure name of each distinct set of figures), counted once for the consecutive frames
 * that share it, as they do while the primitives and their figures stay the same. Measured with
 * JOL on JDK 17 (compressed oops), 2000 primitives: a row of a past frame costs 56 bytes for a
 * token bucket (7 numbers), 184 for a two-stage pipeline (23), and 184 and 312 when every
 * primitive is new at every sample, as counted; the row the sampler took and this history used to
 * keep costs 628 and 2284. With the default budget, 600 samples of up to about 900 token buckets
 * fit; 5000 leave room for about 110. When the budget shortens the history, the charts and the
 * windowed health checks look back only as far as it goes (both use the oldest frame then); it is
 * logged, once, and again when the frames kept halve.
 *
 * <p>Thread-safe: the sampler adds while servlets and health checks read; every method holds the
 * monitor of this object, which guards the fields below, for a copy of references at most.
 */
final class History {
    private static final System.Logger LOG = System.getLogger(History.class.getName());
    /** The default budget, in units of about 8 bytes: 4 million, about 32 MB. */
    static final long BUDGET = 4_000_000;
    /** What a frame costs besides its numbers (the object, its instant, the array's header, its slot). */
    static final int FRAME_COST = 10;

    private final int capacity;
    private final long budget;
    /** Guarded by this. Oldest first; consecutive frames may share one layout. */
    private final ArrayDeque<PastFrame> frames = new ArrayDeque<>();
    /** Guarded by this. The cost of {@link #frames}, each distinct layout counted once. */
    private long retained;
    /**
     * Guarded by this. The frames kept when the budget last shortened the history and it was
     * logged, 0 until then; logged again only when the history holds half as many.
     */
    private int logged;

    /**
     * Creates an empty history.
     *
     * @param capacity the frames kept at most (at least 2)
     * @param budget the units kept at most, unless two frames need more
     */
    History(int capacity, long budget) {
        if (capacity < 2) {
            throw new IllegalArgumentException("history must hold at least 2 frames, not " + capacity);
        }
        this.capacity = capacity;
        this.budget = budget;
    }

    synchronized void add(Frame frame) {
        PastFrame last = frames.peekLast();
        PastFrame f = PastFrame.of(frame, last);
        retained += cost(f, last);
        frames.addLast(f);
        boolean squeezed = false;
        while (frames.size() > capacity || retained > budget && frames.size() > 2) {
            squeezed |= frames.size() <= capacity;
            PastFrame gone = frames.removeFirst();
            retained -= FRAME_COST + gone.numbers();
            if (gone.layout() != frames.peekFirst().layout()) {
                retained -= gone.layout().cost;
            }
        }
        if (squeezed && (logged == 0 || frames.size() <= logged / 2)) {
            logged = frames.size();
            LOG.log(System.Logger.Level.WARNING, "goflow.web keeps " + frames.size() + " of the " + capacity
                    + " samples configured (history), covering " + Duration.ofNanos(f.nanos() - frames.peekFirst()
                    .nanos()) + ": " + f.rows() + " primitives with " + f.numbers() + " numeric figures a sample"
                    + " fill its memory budget (" + budget + " units, about " + budget * 8 / 1_000_000 + " MB). The"
                    + " charts and the windowed health checks look back no further; a longer sample.interval (PID "
                    + WebConfig.PID + ") covers more time with the same memory.");
        }
    }

    private static long cost(PastFrame f, PastFrame before) {
        long c = FRAME_COST + f.numbers();
        return before != null && before.layout() == f.layout() ? c : c + f.layout().cost;
    }

    /** Every frame, oldest first. */
    synchronized List<PastFrame> frames() {
        return new ArrayList<>(frames);
    }

    /** The cost of the frames kept, in units of about 8 bytes (see the class comment). */
    synchronized long retained() {
        return retained;
    }

    /** The rows of the frames kept, all frames together. */
    synchronized long rows() {
        long rows = 0;
        for (PastFrame f : frames) {
            rows += f.rows();
        }
        return rows;
    }

    /**
     * The period a check of window {@code length} judges at {@code nowNanos}: from the oldest frame
     * no older than the window when the history reaches back to the window's start (the newest
     * frame when every frame is older); else from the oldest frame, saying how long ago it was
     * taken ({@link Window}); with no frame, from nothing.
     */
    synchronized Window window(long nowNanos, Duration length) {
        PastFrame oldest = frames.peekFirst();
        if (oldest == null) {
            return Window.empty(length);
        }
        long start = nowNanos - length.toNanos();
        if (oldest.nanos() - start > 0) {
            return Window.shorter(oldest, Duration.ofNanos(nowNanos - oldest.nanos()), length);
        }
        for (PastFrame f : frames) {
            if (f.nanos() - start >= 0) {
                return Window.whole(f, length);
            }
        }
        return Window.whole(frames.peekLast(), length);
    }
}
