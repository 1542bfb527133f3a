package goflow.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

import org.apache.felix.service.command.Descriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;

/**
 * {@code goflow:<command> --help} prints the command's usage, written from its descriptors: what
 * Karaf's {@code help goflow:<command>} shows (it runs the command with {@code --help}).
 */
class UsageTest {
    private final GoFlow goflow = GoFlow.load();
    private final PrintStream console = System.out;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @AfterEach
    void restore() {
        System.setOut(console);
        goflow.close();
    }

    private String capture(Runnable command) {
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            command.run();
        } finally {
            System.setOut(console);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void statsHelpPrintsEveryFormWithItsDescriptionAndArguments() {
        GoFlowCommands commands = new GoFlowCommands(goflow.registry(), p -> java.util.List.of(), goflow.streamSources());
        String[] returned = new String[1];
        String usage = capture(() -> returned[0] = commands.stats("--help"));
        assertNull(returned[0], "the usage is printed (Karaf shows what a command prints), not returned");
        assertEquals(""
                + "goflow:stats\n"
                + "    show every live goflow primitive with its statistics, grouped by family\n"
                + "\n"
                + "goflow:stats <name>\n"
                + "    show every statistic of one primitive\n"
                + "    <name>  the primitive's name\n"
                + "\n"
                + "    goflow:stats --help (or -h) prints this\n", usage);
    }

    @Test
    void everyCommandOfEveryClassAnswersHelpAndShortH() {
        GoFlowCommands family = new GoFlowCommands(goflow.registry(), p -> java.util.List.of(), goflow.streamSources());
        ControlCommands control = new ControlCommands(goflow.registry());
        RunCommands run = new RunCommands(goflow.registry(), goflow);
        // the osgi.command.function values of the three components
        Map<String, Object> byFunction = new TreeMap<>();
        for (String f : new String[] {"stats", "pools", "limiters", "pipelines", "schedules", "stages", "sources"}) {
            byFunction.put(f, family);
        }
        for (String f : new String[] {"rate", "burst", "capacity", "resize"}) {
            byFunction.put(f, control);
        }
        byFunction.put("run", run);
        byFunction.put("stream", run);
        for (Map.Entry<String, Object> e : byFunction.entrySet()) {
            for (String flag : new String[] {"--help", "-h"}) {
                printed.reset();
                String usage = capture(() -> invokeWithOneArgument(e.getValue(), e.getKey(), flag));
                assertTrue(usage.startsWith("goflow:" + e.getKey()), e.getKey() + " " + flag + ":\n" + usage);
                for (Method m : e.getValue().getClass().getMethods()) {
                    if (m.getName().equals(e.getKey()) && !m.isAnnotationPresent(Usage.HelpOnly.class)
                            && m.isAnnotationPresent(Descriptor.class)) {
                        String description = m.getAnnotation(Descriptor.class).value();
                        assertTrue(usage.contains(description), e.getKey() + " lacks '" + description + "':\n" + usage);
                    }
                }
                assertTrue(!usage.contains("--help or -h\n"), "the help-only form is not listed:\n" + usage);
            }
        }
    }

    @Test
    void aCommandThatTakesNoOrTwoArgumentsSaysHowItIsCalledWhenGivenOne() {
        ControlCommands control = new ControlCommands(goflow.registry());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> control.rate("api"));
        assertEquals("goflow:rate does not take one argument ('api'): goflow:rate <name> <eventsPerSecond>;"
                + " goflow:rate --help tells more", e.getMessage());
        GoFlowCommands family = new GoFlowCommands(goflow.registry(), p -> java.util.List.of(), goflow.streamSources());
        e = assertThrows(IllegalArgumentException.class, () -> family.stages("x"));
        assertEquals("goflow:stages does not take one argument ('x'): goflow:stages; goflow:stages --help tells more",
                e.getMessage());
    }

    /**
     * A primitive may be named {@code -h} or {@code --help}: the command still prints its usage, and
     * then that primitive's detail, which no other command shows.
     */
    @Test
    void aPrimitiveNamedLikeTheHelpOptionIsShownAfterTheUsage() {
        goflow.tokenBucket().name("-h").rate(10).burst(5).build();
        goflow.workerPool().name("--help").workers(1).build();
        GoFlowCommands commands = new GoFlowCommands(goflow.registry(), p -> java.util.List.of(), goflow.streamSources());
        String[] returned = new String[1];

        String usage = capture(() -> returned[0] = commands.limiters("-h"));
        assertTrue(usage.startsWith("goflow:limiters\n"), usage);
        assertTrue(returned[0] != null && returned[0].matches("(?s)\n'-h' is also the name of a token-bucket:\n"
                + "statistic +value\nname +-h\nkind +token-bucket\n.*burst +5\n.*"), returned[0]);

        printed.reset();
        usage = capture(() -> returned[0] = commands.stats("--help"));
        assertTrue(usage.startsWith("goflow:stats\n"), usage);
        assertTrue(returned[0] != null && returned[0].matches("(?s)\n'--help' is also the name of a worker-pool:\n"
                + "statistic +value\nname +--help\nkind +worker-pool\n.*"), returned[0]);

        printed.reset();
        usage = capture(() -> returned[0] = commands.pools("--help"));
        assertTrue(usage.startsWith("goflow:pools\n"), usage);
        assertTrue(returned[0] != null && returned[0].matches("(?s).*\nname +--help\nkind +worker-pool\n.*"), returned[0]);

        printed.reset();
        usage = capture(() -> returned[0] = commands.pools("-h"));
        assertTrue(usage.startsWith("goflow:pools\n"), usage);
        assertNull(returned[0], "no pool is named -h: the usage only (not 'no worker pool named')");
    }

    private static void invokeWithOneArgument(Object commands, String function, String arg) {
        try {
            commands.getClass().getMethod(function, String.class).invoke(commands, arg);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(function + "(String) failed", e);
        }
    }
}
