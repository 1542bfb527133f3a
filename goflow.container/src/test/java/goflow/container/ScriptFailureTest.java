package goflow.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.osgi.framework.launch.Framework;

/** A failing {@code --nointeractive} script ends the container with exit code 1 ({@link ScriptFailure}). */
class ScriptFailureTest {
    private final AtomicInteger stops = new AtomicInteger();
    private final Framework framework = (Framework) Proxy.newProxyInstance(ScriptFailureTest.class.getClassLoader(),
            new Class<?>[] {Framework.class}, (proxy, method, args) -> switch (method.getName()) {
                case "stop" -> {
                    stops.incrementAndGet();
                    yield null;
                }
                case "hashCode" -> 0;
                case "equals" -> proxy == args[0];
                case "toString" -> "framework";
                default -> throw new UnsupportedOperationException(method.getName());
            });

    @AfterEach
    void clearRequestedCode() {
        System.clearProperty(ExitCode.REQUESTED);
    }

    @Test
    void onlyANonInteractiveRunWithoutNoshutdownEndsTheContainerOnFailure() {
        assertTrue(ScriptFailure.applies("--nointeractive check.gosh"));
        assertTrue(ScriptFailure.applies("  -x --nointeractive  check.gosh "));
        assertFalse(ScriptFailure.applies(null));
        assertFalse(ScriptFailure.applies("check.gosh"), "an interactive login: Gogo stops the framework itself");
        assertFalse(ScriptFailure.applies("--nointeractive --noshutdown setup.gosh"));
        assertFalse(ScriptFailure.applies("-s --nointeractive setup.gosh"));
    }

    @Test
    void theFirstFailureIsSaidStopsTheFrameworkOnceAndAsksForExitCodeOne() {
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        ScriptFailure failure = new ScriptFailure(framework, new PrintStream(console, true, StandardCharsets.UTF_8));
        failure.afterExecute(null, "echo ok", (Object) "ok");
        assertEquals(0, stops.get(), "a script that ends normally is left to its stop 0");
        assertEquals(0, ExitCode.requested());

        failure.afterExecute(null, "goflow:stream nope 3", new IllegalArgumentException("no stream source named 'nope'"));
        failure.afterExecute(null, "later", new IllegalStateException("second"));
        assertEquals(1, stops.get(), "stopped once");
        assertEquals(1, ExitCode.requested());
        String said = console.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("the gosh.args script failed (java.lang.IllegalArgumentException: no stream source "
                + "named 'nope')") && said.contains("exit code 1") && !said.contains("second"), said);
    }

    @Test
    void aRequestedCodeThatIsNotANumberIsZero() {
        System.setProperty(ExitCode.REQUESTED, "one");
        assertEquals(0, ExitCode.requested());
    }
}
