package goflow.impl.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.context.Context;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.AdaptiveLimiterStats;
import goflow.api.ratelimit.AimdLimit;
import goflow.api.ratelimit.GradientLimit;
import goflow.api.ratelimit.Permit;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/** Review of the adaptive limiter at the edges: probes, permits completed late, a clock that fails. */
class AdaptiveLimiterEdgesTest extends NoThreadLeaks.LeakCheckedTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl goflow = new GoFlowImpl(clock, "test");
    private final Context background = Context.background(clock);

    @AfterEach
    void close() {
        goflow.close();
    }

    /**
     * The probe's timer looked once, 10 x minTime after the probe began: a probe begun while the
     * service was idle (nothing in flight then) was left on, and a call of its own that then hung
     * (a leaked permit, a stream) held the minimum for ever: no caller was served again. A call
     * granted to a probe whose timer has run arms another.
     */
    @Test
    void aProbeWhoseOwnCallHangsAfterAnIdleStartIsGivenUpToo() {
        AdaptiveLimiter l = goflow.adaptiveLimiter().algorithm(GradientLimit.defaults()).initialLimit(20)
                .minLimit(1).maxLimit(200).window(Duration.ofMillis(100), 1).build();
        assertTrue(l.stats().probing(), "the start's probe");
        clock.advance(Duration.ofSeconds(5)); // idle through the timer: nothing held the minimum
        assertEquals(0, clock.pendingTimers(), "an idle probe keeps no timer (no goflow-timer thread kept busy)");
        Permit hung = l.tryAcquirePermit().orElseThrow(); // a call of the probe's own, never completed
        assertEquals(Optional.empty(), l.tryAcquirePermit(), "the probe pins the limit to 1");
        clock.advance(Duration.ofSeconds(5));
        assertFalse(l.stats().probing(), "the probe held by its hung call is given up");
        assertEquals(20, l.limit());
        Permit next = l.tryAcquirePermit().orElseThrow();
        next.success();
        hung.close();
        assertEquals(0, l.inFlight());
    }

    /**
     * A permit may be completed after the limiter is closed (a call still running at close). Its
     * outcome ended a probe window that had only drops, and the limiter began another probe: it
     * scheduled a probe timer on the clock after close() had cancelled the last one, a timer (on
     * the system clock, the goflow-timer thread's work) that kept the closed limiter reachable for
     * 10 x minTime. A closed limiter now begins no probe.
     */
    @Test
    void aPermitCompletedAfterCloseSchedulesNoTimer() {
        AdaptiveLimiter l = goflow.adaptiveLimiter().algorithm(GradientLimit.defaults()).initialLimit(20)
                .minLimit(1).maxLimit(200).window(Duration.ofMillis(100), 1).build();
        assertTrue(l.stats().probing(), "the start's probe");
        Permit running = l.tryAcquirePermit().orElseThrow();
        l.close();
        assertEquals(0, clock.pendingTimers(), "close cancels the probe's timer");
        clock.advance(Duration.ofMillis(100));
        running.dropped(); // ends the probe window: no sample, so the rule asks for another probe
        assertEquals(0, l.inFlight());
        assertEquals(1, l.stats().dropped());
        assertEquals(0, clock.pendingTimers(), "a closed limiter schedules nothing");
    }

    /**
     * Every permit handed out is either in flight or recorded as one outcome: acquired = succeeded +
     * dropped + ignored + inFlight at every snapshot. When the limiter's clock (the caller's code)
     * threw as an outcome was recorded, the permit came back but the outcome was counted nowhere:
     * the outcome read the clock before it counted itself. It now counts first; only the window
     * (the latency sample, its end) needs the clock.
     */
    @Test
    void anOutcomeWhoseClockThrowsIsCountedAllTheSame() {
        AtomicBoolean failNanoTime = new AtomicBoolean();
        Clock failing = new Clock() {
            @Override
            public long nanoTime() {
                if (failNanoTime.get()) {
                    throw new AssertionError("clock broken: nanoTime");
                }
                return clock.nanoTime();
            }

            @Override
            public Instant instant() {
                return clock.instant();
            }
        };
        AdaptiveLimiter l = goflow.adaptiveLimiter().algorithm(AimdLimit.defaults()).clock(failing)
                .initialLimit(4).minLimit(1).maxLimit(8).window(Duration.ofMillis(100), 1).build();
        Permit ok = l.tryAcquirePermit().orElseThrow();
        Permit timedOut = l.tryAcquirePermit().orElseThrow();
        Permit other = l.tryAcquirePermit().orElseThrow();
        failNanoTime.set(true);
        assertThrows(AssertionError.class, ok::success);
        assertThrows(AssertionError.class, timedOut::dropped);
        other.ignore(); // gives no sample: reads no clock
        failNanoTime.set(false);
        AdaptiveLimiterStats s = l.stats();
        assertEquals(0, s.inFlight(), "the permits came back");
        assertEquals(3, s.acquired());
        assertEquals(1, s.succeeded(), s.toString());
        assertEquals(1, s.dropped(), s.toString());
        assertEquals(1, s.ignored(), s.toString());
    }
}
