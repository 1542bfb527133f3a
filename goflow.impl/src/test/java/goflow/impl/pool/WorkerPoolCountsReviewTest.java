package goflow.impl.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.pool.PoolStats;
import goflow.api.pool.WorkerPool;
import goflow.impl.GoFlowImpl;
import goflow.impl.testing.NoThreadLeaks;

/** The pool's counts stay exact on fault paths of user code around a task. */
class WorkerPoolCountsReviewTest extends NoThreadLeaks.LeakCheckedTest {
    private final GoFlowImpl goflow = new GoFlowImpl();

    @AfterEach
    void closeGoFlow() {
        goflow.close();
    }

    /**
     * An executed runnable that fails is logged with its toString(), which is user code: when that
     * throws too, the failure is still counted once (before, the worker's guard counted it a second
     * time, and a terminated pool reported more tasks completed than submitted).
     */
    @Test
    void aFailedRunnableWhoseToStringThrowsIsCountedOnce() throws Exception {
        WorkerPool pool = goflow.workerPool().workers(1).build();
        pool.execute(new Runnable() {
            @Override
            public void run() {
                throw new IllegalStateException("task fails");
            }

            @Override
            public String toString() {
                throw new IllegalStateException("toString fails");
            }
        });
        pool.close();
        PoolStats stats = pool.stats();
        assertEquals(1, stats.submitted(), stats.toString());
        assertEquals(1, stats.failed(), stats.toString());
        assertEquals(stats.submitted(), stats.completed(), stats.toString());
    }
}
