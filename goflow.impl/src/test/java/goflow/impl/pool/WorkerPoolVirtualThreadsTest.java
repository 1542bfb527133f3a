package goflow.impl.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.pool.TaskResult.Outcome;
import goflow.api.pool.WorkerPool;
import goflow.impl.GoFlowImpl;

/**
 * Virtual threads where the JVM has them (Java 21+), platform threads before. Not leak-checked
 * by NoThreadLeaks: on Java 21+ the JVM's own carrier threads start with the first virtual thread
 * and stay; the pool's (virtual) workers are checked through awaitTermination, which joins them.
 */
class WorkerPoolVirtualThreadsTest {
    private final GoFlowImpl goflow = new GoFlowImpl();

    @AfterEach
    void closeGoFlow() {
        goflow.close();
    }

    @Test
    void virtualThreadsWhenAvailable() throws Exception {
        boolean jvmHasThem = Runtime.version().feature() >= 21;
        WorkerPool pool = goflow.workerPool().name("virtual").workers(2).virtualThreads(true)
                .taskTimeout(Duration.ofMillis(50)).build();
        assertEquals(jvmHasThem, pool.stats().virtualThreads());
        Set<Thread> workers = ConcurrentHashMap.newKeySet();
        String threadName = pool.submit(ctx -> {
            workers.add(Thread.currentThread());
            return Thread.currentThread().getName();
        }).get(10, TimeUnit.SECONDS).valueOrThrow();
        assertTrue(threadName.matches("goflow-worker-pool-virtual-[01]"), threadName);
        assertEquals(Outcome.TIMED_OUT, pool.submit(ctx -> {
            workers.add(Thread.currentThread());
            Thread.sleep(60_000);
            return null;
        }).get(10, TimeUnit.SECONDS).outcome());
        pool.setWorkers(4);
        pool.setWorkers(1);
        pool.shutdown();
        assertTrue(pool.awaitTermination(Duration.ofSeconds(10)));
        // Virtual threads are not listed by Thread.getAllStackTraces(): check the workers seen.
        assertTrue(workers.stream().noneMatch(Thread::isAlive), "awaitTermination joined every worker");
    }
}
