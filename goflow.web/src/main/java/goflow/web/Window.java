package goflow.web;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * The period a windowed health check judges: the frame it starts from and how the check's messages
 * name it, which is the time the frames actually cover. The window is covered when the history
 * reaches back to its start ({@code in PT5M}); a history that does not (just started, or shortened
 * by its memory budget, {@link History}) covers less, and the messages say how much
 * ({@code in the last PT1M40S (history shorter than the PT5M window)}); with no frame recorded yet
 * every figure counts from the primitive's creation ({@code since created (no sample recorded yet
 * for the PT5M window)}).
 *
 * @param then the frame the period starts from, or null when none was recorded yet
 * @param text the period as the messages name it, starting with {@code in} or {@code since}
 */
record Window(PastFrame then, String text) {
    /** The history reaches back to the window's start: {@code then} is the first frame within it. */
    static Window whole(PastFrame then, Duration length) {
        return new Window(then, "in " + length);
    }

    /** The history starts after the window's start: {@code oldest} is its oldest frame, taken {@code covered} ago. */
    static Window shorter(PastFrame oldest, Duration covered, Duration length) {
        Duration shown = covered.compareTo(Duration.ofSeconds(1)) >= 0 ? covered.truncatedTo(ChronoUnit.SECONDS)
                : covered.truncatedTo(ChronoUnit.MILLIS);
        return new Window(oldest, "in the last " + shown + " (history shorter than the " + length + " window)");
    }

    /** No frame was recorded yet. */
    static Window empty(Duration length) {
        return new Window(null, "since created (no sample recorded yet for the " + length + " window)");
    }
}
