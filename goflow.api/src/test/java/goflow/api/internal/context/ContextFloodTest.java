package goflow.api.internal.context;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.Registration;
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
    void aBurstOfChildrenLeavesNoMemoryInTheParentOnceTheyAreClosed() {
        // a long-lived parent (a server's root context) once had many children at a time: the table
        // that held them must not stay at its peak size for the rest of the parent's life
        CancelNode[] parents = new CancelNode[100];
        CancellableContext[] children = new CancellableContext[CHILDREN];
        long before = usedHeapAfterGc();
        for (int p = 0; p < parents.length; p++) {
            parents[p] = (CancelNode) Background.of(clock).withCancel();
            for (int i = 0; i < CHILDREN; i++) {
                children[i] = parents[p].withCancel();
            }
            for (CancellableContext child : children) {
                child.close();
            }
            assertEquals(0, parents[p].pendingCallbacks());
        }
        java.util.Arrays.fill(children, null);
        long retained = usedHeapAfterGc() - before;
        // before the fix: 100 tables of 32 768 slots, 12.5 MB (compressed references) to 25 MB
        assertTrue(retained < 4 * 1024 * 1024, "100 parents retain " + retained + " bytes after their children closed");
        for (CancelNode parent : parents) {
            CancellableContext again = parent.withCancel();
            assertEquals(1, parent.pendingCallbacks(), "the parent still takes children");
            parent.cancel();
            assertTrue(again.isDone());
        }
    }

    @Test
    void aTimeoutWhoseTimerCannotBeScheduledLeavesNothingInTheParent() {
        // the system timer throws when the system refuses it a thread (OutOfMemoryError: unable to
        // create native thread); the child was not created, so the parent must not keep it
        AtomicInteger refusals = new AtomicInteger();
        Clock refusing = new Clock() {
            @Override
            public long nanoTime() {
                return clock.nanoTime();
            }

            @Override
            public Instant instant() {
                return clock.instant();
            }

            @Override
            public Registration schedule(long deadlineNanos, Runnable action) {
                refusals.incrementAndGet();
                throw new OutOfMemoryError("unable to create native thread");
            }
        };
        CancelNode root = (CancelNode) Background.of(refusing).withCancel();
        for (int i = 0; i < 3; i++) {
            assertThrows(OutOfMemoryError.class, () -> root.withTimeout(Duration.ofSeconds(1)));
            assertThrows(OutOfMemoryError.class, () -> root.withValue(KEY, 1).withDeadline(clock.instant().plusSeconds(1)));
        }
        assertEquals(6, refusals.get());
        assertEquals(0, root.pendingCallbacks(), "no half-created child is left in the parent");
    }

    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
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
