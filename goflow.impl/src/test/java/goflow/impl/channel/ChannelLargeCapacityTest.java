package goflow.impl.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.channel.BackpressureChannel;
import goflow.api.channel.OverflowStrategy;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.internal.GrowingRing;
import goflow.impl.testing.NoThreadLeaks;

/**
 * Capacities beyond what is worth allocating up front: the ring starts at
 * {@link GrowingRing#PREALLOCATED_MAX} and doubles as values come, so {@code capacity(Integer.MAX_VALUE)}
 * (an unbounded channel) builds at once instead of failing with an OutOfMemoryError, and the
 * values stay in order across the growths, also when the ring had wrapped round before one.
 */
@Timeout(60)
class ChannelLargeCapacityTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlowImpl goflow = new GoFlowImpl(new ManualClock(), "test");

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    @Test
    void theLargestCapacityBuildsAndKeepsOrderAcrossGrowthsOfAWrappedRing() {
        BackpressureChannel<Integer> ch = goflow.<Integer>channel().capacity(Integer.MAX_VALUE)
                .strategy(OverflowStrategy.BLOCK).build();
        assertEquals(Integer.MAX_VALUE, ch.capacity());
        int sent = 0;
        int received = 0;
        // fill and half drain the first ring so that its head is in the middle when it grows
        for (int i = 0; i < GrowingRing.PREALLOCATED_MAX; i++) {
            assertTrue(ch.trySend(sent++));
        }
        for (int i = 0; i < GrowingRing.PREALLOCATED_MAX / 2; i++) {
            assertEquals(Optional.of(received++), ch.tryReceive());
        }
        for (int i = 0; i < 10 * GrowingRing.PREALLOCATED_MAX; i++) { // three growths
            assertTrue(ch.trySend(sent++));
            if (i % 3 == 0) {
                assertEquals(Optional.of(received++), ch.tryReceive());
            }
        }
        assertEquals(sent - received, ch.size());
        while (received < sent) {
            assertEquals(Optional.of(received++), ch.tryReceive());
        }
        assertEquals(Optional.empty(), ch.tryReceive());
        assertEquals(Integer.MAX_VALUE, ch.stats().capacity());
    }

    @Test
    void aCapacityBetweenTwoGrowthsIsStillTheBound() {
        int capacity = 3 * GrowingRing.PREALLOCATED_MAX - 5; // not a doubling of the first ring
        BackpressureChannel<Integer> ch = goflow.<Integer>channel().capacity(capacity)
                .strategy(OverflowStrategy.BLOCK).build();
        for (int i = 0; i < capacity; i++) {
            assertTrue(ch.trySend(i), "value " + i);
        }
        assertFalse(ch.trySend(capacity), "full at its capacity");
        assertEquals(capacity, ch.size());
        assertEquals(Optional.of(0), ch.tryReceive());
        assertTrue(ch.trySend(capacity));
        for (int i = 1; i <= capacity; i++) {
            assertEquals(Optional.of(i), ch.tryReceive());
        }
    }

    @Test
    void aBurstsArrayIsNotKeptOnceTheChannelIsEmptyAgain() throws Exception {
        for (OverflowStrategy strategy : OverflowStrategy.values()) {
            BackpressureChannel<Integer> ch = goflow.<Integer>channel().capacity(Integer.MAX_VALUE).strategy(strategy)
                    .build();
            ChannelImpl<Integer> impl = (ChannelImpl<Integer>) ch;
            for (int i = 0; i < 20 * GrowingRing.PREALLOCATED_MAX; i++) { // a burst: five growths
                assertTrue(ch.trySend(i));
            }
            assertEquals(32 * GrowingRing.PREALLOCATED_MAX, impl.slots());
            for (int i = 0; i < 20 * GrowingRing.PREALLOCATED_MAX - 1; i++) {
                assertEquals(Optional.of(i), ch.tryReceive());
            }
            assertEquals(32 * GrowingRing.PREALLOCATED_MAX, impl.slots(), "kept while a value is left");
            assertEquals(Optional.of(20 * GrowingRing.PREALLOCATED_MAX - 1), ch.tryReceive());
            assertEquals(GrowingRing.PREALLOCATED_MAX, impl.slots(), strategy + ": back to the first array");
            for (int i = 0; i < 3 * GrowingRing.PREALLOCATED_MAX; i++) { // and it grows again, in order
                assertTrue(ch.trySend(i));
            }
            for (int i = 0; i < 3 * GrowingRing.PREALLOCATED_MAX; i++) {
                assertEquals(Optional.of(i), ch.tryReceive());
            }
            ch.close();
        }
    }
}
