package goflow.impl.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.GoFlow;
import goflow.api.Registration;
import goflow.api.stream.StreamSources;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;

/** Edge cases found in review: registrations, races between close and a wait, and the like. */
@Timeout(30)
class StreamEdgeReviewTest {
    private final GoFlow goflow = new GoFlowImpl(new ManualClock(), "test");
    private final StreamSources sources = goflow.streamSources();

    @AfterEach
    void closeGoflow() {
        goflow.close();
    }

    @Test
    void aRegistrationClosedTwiceDoesNotRemoveTheSameSourceRegisteredAgain() {
        TrackingSource orders = new TrackingSource(1);
        Registration first = sources.register("orders", orders);
        first.close();
        Registration second = sources.register("orders", orders);
        first.close(); // closing twice does nothing (Registration's contract)
        assertSame(orders, sources.find("orders").orElseThrow(), "the second registration still lists it");
        second.close();
        assertEquals(false, sources.find("orders").isPresent());
    }
}
