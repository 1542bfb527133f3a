package goflow.impl.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflowprobe.JmxProbe;

/**
 * The JMX opt-in on a plain JVM, with the packaged jars and no OSGi class anywhere: on the class
 * path and on the module path, {@code -Dgoflow.jmx=true} makes every primitive an MBean while it
 * lives (and loads nothing of goflow.impl's OSGi runtime).
 */
class PlainJvmJmxIT {

    @Test
    void onTheClassPath() throws Exception {
        String cp = String.join(File.pathSeparator, apiJar(), implJar(), testClasses());
        assertEquals("ok", run(List.of("-Dgoflow.jmx=true", "-cp", cp, JmxProbe.class.getName())));
    }

    @Test
    void onTheModulePath() throws Exception {
        assertEquals("ok", run(List.of("-Dgoflow.jmx=true", "--module-path", apiJar() + File.pathSeparator + implJar(),
                "--add-modules", "goflow.impl", "-cp", testClasses(), JmxProbe.class.getName())));
    }

    private static String apiJar() throws Exception {
        Path p = Paths.get(GoFlow.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(p.toString().endsWith(".jar"), "goflow.api must be a packaged jar here: " + p);
        return p.toString();
    }

    private static String implJar() {
        return System.getProperty("goflow.impl.jar");
    }

    private static String testClasses() throws Exception {
        return Paths.get(JmxProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static String run(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        return out.strip();
    }
}
