package goflow.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.inspect.Stats;

/**
 * The conventions of the API's 1.0 shape, checked on the compiled classes of goflow.api so that a
 * new type cannot quietly break them.
 */
class ApiShapeTest {

    /** Every class of goflow.api, nested ones included, in name order. */
    static List<Class<?>> apiClasses() throws IOException, URISyntaxException {
        Path root = Paths.get(GoFlow.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isDirectory(root), "expected the compiled classes directory: " + root);
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).sorted().collect(Collectors.toList())) {
                String name = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".");
                name = name.substring(0, name.length() - ".class".length());
                if (name.endsWith("package-info") || name.equals("module-info")) {
                    continue;
                }
                try {
                    classes.add(Class.forName(name, false, GoFlow.class.getClassLoader()));
                } catch (ClassNotFoundException e) {
                    throw new AssertionError("cannot load " + name, e);
                }
            }
        }
        assertFalse(classes.isEmpty());
        return classes;
    }

    @Test
    void exportedPackagesHoldOnlyContract() throws Exception {
        List<String> machinery = new ArrayList<>();
        for (Class<?> c : apiClasses()) {
            String pkg = c.getPackageName();
            if (c.getEnclosingClass() != null || (pkg + ".").startsWith("goflow.api.internal.")) {
                continue;
            }
            boolean contract = Modifier.isPublic(c.getModifiers()) && (c.isInterface() || c.isRecord() || c.isEnum()
                    || Throwable.class.isAssignableFrom(c));
            // the testing package holds test doubles, which are classes
            boolean testDouble = pkg.equals("goflow.api.testing") && Modifier.isPublic(c.getModifiers());
            if (!contract && !testDouble) {
                machinery.add(c.getName());
            }
        }
        assertEquals(List.of(), machinery, "implementation classes belong in goflow.api.internal.*");
    }

    @Test
    void theEntryPointsReachTheMachineryOutsideTheExportedPackages() {
        assertEquals("goflow.api.internal.time", Clock.system().getClass().getPackageName());
        assertEquals("goflow.api.internal.context", Context.background().getClass().getPackageName());
        try (CancellableContext child = Context.background().withCancel()) {
            assertEquals("goflow.api.internal.context", child.getClass().getPackageName());
        }
    }

    @Test
    void statsRecordsDeriveTheirMapAndOnlyTheReshapingOnesOverrideIt() throws Exception {
        List<String> statsRecords = new ArrayList<>();
        List<String> overriding = new ArrayList<>();
        for (Class<?> c : apiClasses()) {
            if (c.isRecord() && Stats.class.isAssignableFrom(c)) {
                statsRecords.add(c.getSimpleName());
                if (Arrays.stream(c.getDeclaredMethods()).anyMatch(m -> m.getName().equals("toMap"))) {
                    overriding.add(c.getSimpleName());
                }
            }
        }
        assertEquals(11, statsRecords.size(), statsRecords.toString());
        // the derived total of evictions, and the flattened stages
        assertEquals(List.of("KeyedRateLimiterStats", "PipelineStats"), overriding.stream().sorted().toList());
    }

    @Test
    void noBuilderIsNestedInAnotherType() throws Exception {
        List<String> nested = apiClasses().stream()
                .filter(c -> c.getSimpleName().endsWith("Builder") && c.getEnclosingClass() != null)
                .map(Class::getName)
                .collect(Collectors.toList());
        assertEquals(List.of(), nested, "builders are top-level XxxBuilder types");
    }

    @Test
    void everyFactoryOfGoFlowReturnsATopLevelBuilderOfThePrimitivesPackage() {
        List<String> builders = new ArrayList<>();
        for (Method m : GoFlow.class.getMethods()) {
            Class<?> type = m.getReturnType();
            if (!type.getSimpleName().endsWith("Builder") && !type.getSimpleName().equals("PipelineStart")) {
                continue;
            }
            builders.add(m.getName());
            assertNull(type.getEnclosingClass(), m + " returns a nested type");
            assertTrue(type.isInterface(), m + " returns a class");
            assertTrue(type.getPackageName().startsWith("goflow.api."), m + " returns " + type.getName());
        }
        assertEquals(List.of("adaptiveLimiter", "asyncWriter", "channel", "concurrencyLimiter", "keyedRateLimiter", "leakyBucket",
                "pipeline", "pipeline", "scheduler", "tokenBucket", "workerPool"),
                builders.stream().sorted().collect(Collectors.toList()));
    }
}
