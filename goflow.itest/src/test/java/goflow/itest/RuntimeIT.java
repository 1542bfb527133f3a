package goflow.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNotSame;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.util.Arrays;
import java.util.List;
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

import goflow.api.GoFlow;
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
    public void eachConsumerBundleGetsItsOwnGoFlowClosedWhenItStops() throws Exception {
        Bundle consumer = context.installBundle("goflow-itest-consumer",
                Runtime.consumerBundle("goflow.itest.consumer"));
        try {
            consumer.start();
            BundleContext bc = consumer.getBundleContext();
            ServiceReference<GoFlow> ref = bc.getServiceReference(GoFlow.class);
            GoFlow theirs = bc.getService(ref);
            assertNotSame(goflow, theirs);
            assertTrue(theirs.toString(), theirs.toString().contains("owner=goflow.itest.consumer"));
            assertEquals("the same bundle gets the same instance", theirs, bc.getService(ref));
            consumer.stop();
            assertEquals(0, theirs.registry().primitives().size());
        } finally {
            consumer.uninstall();
        }
    }
}
