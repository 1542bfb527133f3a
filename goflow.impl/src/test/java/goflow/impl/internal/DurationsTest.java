package goflow.impl.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void exactWithinTheRangeAndSaturatedBeyondIt() {
        assertEquals(0, Durations.toNanosSaturated(Duration.ZERO));
        assertEquals(1_500, Durations.toNanosSaturated(Duration.ofNanos(1_500)));
        assertEquals(-2_000_000_000L, Durations.toNanosSaturated(Duration.ofSeconds(-2)));
        long almostFar = (Durations.FAR_NANOS / 1_000_000_000L - 1) * 1_000_000_000L;
        assertEquals(almostFar, Durations.toNanosSaturated(Duration.ofNanos(almostFar)));
        assertEquals(Durations.FAR_NANOS, Durations.toNanosSaturated(Duration.ofDays(365L * 100)));
        assertEquals(Durations.FAR_NANOS, Durations.toNanosSaturated(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)));
        assertEquals(-Durations.FAR_NANOS, Durations.toNanosSaturated(Duration.ofSeconds(Long.MIN_VALUE)));
        assertEquals(-Durations.FAR_NANOS, Durations.toNanosSaturated(Duration.ofDays(-365L * 100)));
    }
}
