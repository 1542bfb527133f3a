package goflow.container.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.context.Context;
import goflow.api.pipeline.Pipeline;
import goflow.api.schedule.Scheduler;
import goflow.api.stream.StreamSource;

/** The demo's job against a stop of the container (its deactivation) in the middle of a tick. */
class DemoTrafficTest {
    private final GoFlow goflow = GoFlow.load();

    @AfterEach
    void close() {
        goflow.close();
    }

    /** Ten-millisecond ticks of one line. */
    private static final DemoConfig FAST = new DemoConfig() {
        @Override
        public Class<? extends Annotation> annotationType() {
            return DemoConfig.class;
        }

        @Override
        public int linesPerTick() {
            return 1;
        }

        @Override
        public String period() {
            return "PT0.01S";
        }
    };

    /** An orders source whose first advance waits for {@code release}, ignoring its context. */
    private static final class StuckSource implements StreamSource<String> {
        final CountDownLatch advancing = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final AtomicBoolean inAdvance = new AtomicBoolean();
        final AtomicBoolean closedInUse = new AtomicBoolean();

        @Override
        public Cursor<String> open(Context ctx) {
            opened.incrementAndGet();
            return new Cursor<>() {
                @Override
                public boolean tryAdvance(Context c, Consumer<? super String> action) throws InterruptedException {
                    inAdvance.set(true);
                    try {
                        advancing.countDown();
                        while (!release.await(10, TimeUnit.SECONDS)) {
                            // a source that ignores the tick's cancellation
                        }
                        action.accept("id=1 amount=2");
                        return true;
                    } finally {
                        inAdvance.set(false);
                    }
                }

                @Override
                public void close() {
                    closedInUse.compareAndSet(false, inAdvance.get());
                    closed.incrementAndGet();
                }
            };
        }
    }

    @Test
    void aStopDuringATickNeverClosesTheCursorUnderItAndTheTickClosesItWhenItEnds() throws Exception {
        StuckSource orders = new StuckSource();
        Pipeline<Object, Object> pipeline = goflow.pipeline("demo-orders").stage("same", (Object o) -> o).build();
        Scheduler scheduler = goflow.scheduler().name("demo-traffic").workers(1).build();
        scheduler.start();
        DemoTraffic demo = new DemoTraffic(FAST, goflow.tokenBucket().name("demo-ingress").rate(1000).burst(10).build(),
                goflow.concurrencyLimiter().name("demo-db").capacity(1).build(),
                goflow.workerPool().name("demo-workers").workers(1).build(), pipeline, scheduler, orders);
        assertTrue(orders.advancing.await(30, TimeUnit.SECONDS), "a tick reads the source");

        demo.deactivate(); // returns while the tick is stuck in the source
        assertEquals(0, orders.closed.get(), "not closed under the running tick");
        orders.release.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (orders.closed.get() == 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
        }
        assertEquals(1, orders.closed.get(), "the tick closes it when it ends");
        assertFalse(orders.closedInUse.get());
        assertEquals(1, orders.opened.get(), "no tick opens another after the stop");
    }
}
