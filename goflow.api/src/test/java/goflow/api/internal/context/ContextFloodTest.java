package goflow.api.internal.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import goflow.api.context.CancellableContext;
import goflow.api.testing.ManualClock;

/** A long-lived parent under a flood of short-lived children keeps no trace of them. */
class ContextFloodTest {
    private static final int CHILDREN = 20_000;

    private static final goflow.api.context.Context.Key<Integer> KEY = goflow.api.context.Context.Key.named("i");

    private final ManualClock clock = new ManualClock();
    private final CancelNode parent = (CancelNode) Background.of(clock).withCancel();

    @Test
    void closedChildrenAreUnlinkedFromTheParentAndTheTimer() {
        for (int i = 0; i < CHILDREN; i++) {
            try (CancellableContext child = parent.withTimeout(Duration.ofHours(1))) {
                child.withValue(KEY, i).withCancel().close();
            }
        }
        assertEquals(0, parent.pendingCallbacks());
        assertEquals(0, clock.pendingTimers());
        assertFalse(parent.isDone());
    }

    @Test
    void expiredChildrenThatNobodyClosedAreUnlinkedToo() {
        for (int i = 0; i < CHILDREN; i++) {
            parent.withTimeout(Duration.ofSeconds(1 + i % 10));
        }
        assertEquals(CHILDREN, parent.pendingCallbacks());
        clock.advance(Duration.ofSeconds(10));
        assertEquals(0, parent.pendingCallbacks());
        assertEquals(0, clock.pendingTimers());
    }
}
