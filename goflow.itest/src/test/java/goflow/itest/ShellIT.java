package goflow.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.options;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Dictionary;
import java.util.Hashtable;

import javax.inject.Inject;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

import goflow.api.GoFlow;

/** Every goflow shell command runs in Gogo and prints the expected rows. */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ShellIT {

    @Inject
    private BundleContext context;

    @Inject
    private CommandProcessor processor;

    @Inject
    private GoFlow goflow;

    @Configuration
    public Option[] config() {
        return options(Runtime.goflowWithShell(), Runtime.exam());
    }

    /** Runs one command line and returns what the console would show: its output and its value. */
    private String run(String line) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
        InputStream in = new java.io.ByteArrayInputStream(new byte[0]);
        try (CommandSession session = processor.createSession(in, ps, ps)) {
            Object value = session.execute(line);
            ps.flush();
            String printed = out.toString(StandardCharsets.UTF_8);
            return value == null ? printed : printed + value;
        }
    }

    @Test
    public void everyCommandIsRegisteredWithHelp() throws Exception {
        for (String cmd : new String[] {"stats", "pools", "limiters", "pipelines", "schedules", "stages", "sources"}) {
            String help = run("help goflow:" + cmd);
            assertTrue(cmd + ": " + help, help.startsWith(cmd + " - ") && help.contains("scope: goflow"));
        }
        assertTrue(run("help goflow:stats"), run("help goflow:stats").contains("the primitive's name"));
    }

    @Test
    public void emptyRuntime() throws Exception {
        assertEquals("no goflow primitives\n", run("goflow:stats"));
        assertEquals("no worker pools\n", run("goflow:pools"));
        assertEquals("no limiters\n", run("goflow:limiters"));
        assertEquals("no pipelines\n", run("goflow:pipelines"));
        assertEquals("no schedulers\n", run("goflow:schedules"));
        assertEquals("no primitive named 'nope'\n", run("goflow:stats nope"));
    }

    @Test
    public void stagesAndSourcesListPluginServices() throws Exception {
        Dictionary<String, Object> props = new Hashtable<>();
        props.put("goflow.stage.name", "upper");
        ServiceRegistration<Runnable> stage = context.registerService(Runnable.class, () -> { }, props);
        Dictionary<String, Object> sprops = new Hashtable<>();
        sprops.put("goflow.source.name", "numbers");
        ServiceRegistration<Runnable> source = context.registerService(Runnable.class, () -> { }, sprops);
        try {
            String stages = run("goflow:stages");
            assertTrue(stages, stages.matches("(?s)stage +type +bundle +service.id\n"
                    + "upper +java.lang.Runnable +PAXEXAM-PROBE\\S* +\\d+\n"));
            String sources = run("goflow:sources");
            assertTrue(sources, sources.matches("(?s)source +type +bundle +service.id\n"
                    + "numbers +java.lang.Runnable +PAXEXAM-PROBE\\S* +\\d+\n"));
        } finally {
            stage.unregister();
            source.unregister();
        }
        assertEquals("no stage plugins\n", run("goflow:stages"));
        assertEquals("no source plugins\n", run("goflow:sources"));
    }
}
