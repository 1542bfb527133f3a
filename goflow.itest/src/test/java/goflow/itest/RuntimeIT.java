package goflow.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertSame;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

import goflow.api.ClosedException;
import goflow.api.GoFlow;
import goflow.api.pool.WorkerPool;
import goflow.api.inspect.Registry;

/** The goflow services in a real framework: they come up, and each consumer bundle gets its own GoFlow. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RuntimeIT {

    @Inject
    private BundleContext context;

    @Inject
    private GoFlow goflow;

    @Inject
    private Registry registry;

    @Configuration
    public Option[] config() {
        return options(Runtime.goflowWithShell(), Runtime.exam());
    }

    @Test
    public void everyBundleIsActiveAndTheServicesAreUp() {
        List<String> notActive = Arrays.stream(context.getBundles())
                .filter(b -> b.getState() != Bundle.ACTIVE)
                .map(b -> b.getSymbolicName() + " state " + b.getState()).collect(Collectors.toList());
        assertEquals(List.of(), notActive);
        assertNotNull(goflow);
        assertNotNull(registry);
        assertTrue(goflow.toString(), goflow.toString().contains("owner=PAXEXAM-PROBE"));
    }

    @Test
    public void eachConsumerBundleGetsItsOwnGoFlowAndItsThreadsEndWhenItStops() throws Exception {
        Bundle consumer = context.installBundle("goflow-itest-consumer",
                Runtime.consumerBundle("goflow.itest.consumer"));
        try {
            consumer.start();
            BundleContext bc = consumer.getBundleContext();
            ServiceReference<GoFlow> ref = bc.getServiceReference(GoFlow.class);
            GoFlow theirs = bc.getService(ref);
            assertNotSame(goflow, theirs);
            assertSame("the same bundle gets the same instance", theirs, bc.getService(ref));
            bc.ungetService(ref);

            WorkerPool pool = theirs.workerPool().name("consumer-pool").workers(3).build();
            CountDownLatch release = new CountDownLatch(1);
            pool.submit(ctx -> {
                release.await();
                return "done";
            });
            theirs.tokenBucket().name("consumer-limiter").rate(10).burst(10).build();
            await(() -> threads("goflow-worker-pool-consumer-pool-").size() == 3);
            List<String> owners = registry.snapshot().stream().filter(r -> r.name().startsWith("consumer-"))
                    .map(r -> r.name() + "@" + r.owner()).collect(Collectors.toList());
            assertEquals(List.of("consumer-limiter@goflow.itest.consumer", "consumer-pool@goflow.itest.consumer"), owners);

            release.countDown();
            consumer.stop();
            await(() -> threads("goflow-worker-pool-consumer-pool-").isEmpty());
            assertTrue(pool.isShutdown());
            assertTrue(registry.snapshot().stream().noneMatch(r -> r.owner().equals("goflow.itest.consumer")));
            assertThrows(ClosedException.class, () -> theirs.workerPool().build());
        } finally {
            consumer.uninstall();
        }
    }

    @Test
    public void ungettingTheServiceClosesEverythingTheBundleCreated() throws Exception {
        Bundle consumer = context.installBundle("goflow-itest-unget", Runtime.consumerBundle("goflow.itest.unget"));
        try {
            consumer.start();
            BundleContext bc = consumer.getBundleContext();
            ServiceReference<GoFlow> ref = bc.getServiceReference(GoFlow.class);
            GoFlow theirs = bc.getService(ref);
            WorkerPool pool = theirs.workerPool().name("unget-pool").workers(2).build();
            await(() -> threads("goflow-worker-pool-unget-pool-").size() == 2);
            bc.ungetService(ref);
            await(() -> threads("goflow-worker-pool-unget-pool-").isEmpty());
            assertTrue(pool.isShutdown());
            assertEquals(Bundle.ACTIVE, consumer.getState());
            GoFlow fresh = bc.getService(ref);
            assertNotSame("a new get after the last unget is a new GoFlow", theirs, fresh);
            fresh.workerPool().name("unget-pool").workers(1).build();
        } finally {
            consumer.uninstall();
        }
        await(() -> threads("goflow-worker-pool-unget-pool-").isEmpty());
    }

    static List<Thread> threads(String prefix) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).collect(Collectors.toList());
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(20);
        }
    }
}
