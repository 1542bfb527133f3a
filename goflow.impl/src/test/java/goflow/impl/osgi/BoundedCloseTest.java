package goflow.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import goflow.api.Clock;
import goflow.api.pool.TaskResult;
import goflow.api.pool.WorkerPool;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

class BoundedCloseTest extends NoThreadLeaks.LeakCheckedTest {

    @Test
    void acceptedTasksCompleteWithinTheGrace() throws Exception {
        GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "bundle");
        WorkerPool pool = goflow.workerPool().name("p").workers(1).build();
        CountDownLatch started = new CountDownLatch(1);
        CompletableFuture<TaskResult<String>> slow = pool.submit(ctx -> {
            started.countDown();
            Thread.sleep(100);
            return "slow";
        });
        CompletableFuture<TaskResult<String>> queued = pool.submit(ctx -> "queued");
        assertTrue(started.await(5, TimeUnit.SECONDS));
        BoundedClose.close(goflow, Duration.ofSeconds(10));
        assertEquals("slow", slow.get().value());
        assertEquals("queued", queued.get().value());
        assertTrue(pool.isTerminated());
        assertEquals(List.of(), goflow.registry().primitives());
    }

    @Test
    void aTaskThatWouldNeverEndIsCancelledAfterTheGrace() throws Exception {
        GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "bundle");
        WorkerPool pool = goflow.workerPool().name("stuck").workers(1).build();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        CompletableFuture<TaskResult<Object>> stuck = pool.submit(ctx -> {
            started.countDown();
            never.await();
            return null;
        });
        assertTrue(started.await(5, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        BoundedClose.close(goflow, Duration.ofMillis(200));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5));
        assertTrue(pool.isTerminated());
        assertTrue(!stuck.get(5, TimeUnit.SECONDS).succeeded());
    }

    @Test
    void schedulersStopBeforeThePoolsDrain() throws Exception {
        GoFlowImpl goflow = new GoFlowImpl(Clock.system(), "bundle");
        goflow.api.schedule.Scheduler jobs = goflow.scheduler().name("jobs").workers(1).build();
        jobs.start();
        CountDownLatch ran = new CountDownLatch(3);
        jobs.every(Duration.ofMillis(5), ctx -> ran.countDown());
        assertTrue(ran.await(5, TimeUnit.SECONDS));
        goflow.workerPool().name("p").workers(2).build();
        BoundedClose.close(goflow, Duration.ofSeconds(5));
        assertTrue(!jobs.isRunning());
        assertEquals(List.of(), goflow.registry().primitives());
    }
}
