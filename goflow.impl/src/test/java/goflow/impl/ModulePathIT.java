package goflow.impl;

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

import goflowprobe.ModulePathProbe;

/**
 * Starts a JVM with the packaged jars on the module path and checks that {@code GoFlow.load()}
 * finds goflow.impl through the module system (and names the missing module when it is absent).
 */
class ModulePathIT {

    @Test
    void loadFindsTheImplementationOnTheModulePath() throws Exception {
        String out = run(BundleBoundariesIT.apiJar() + File.pathSeparator + BundleBoundariesIT.implJar(),
                "goflow.impl");
        assertEquals("loaded goflow.impl.GoFlowImpl from module goflow.impl\n"
                + "stats {rate=5.0, burst=2, tokens=2.0, allowed=0, denied=0, waited=0, cancelled=0}",
                out.strip().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void loadWithoutTheImplementationOnTheModulePathNamesIt() throws Exception {
        String out = run(BundleBoundariesIT.apiJar().toString(), "goflow.api");
        assertTrue(out.startsWith("error: No goflow implementation found: add the goflow.impl module"), out);
    }

    private static String run(String modulePath, String addModules) throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        Path testClasses = Paths.get(ModulePathIT.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "--module-path", modulePath,
                "--add-modules", addModules, "-cp", testClasses.toString(), ModulePathProbe.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
