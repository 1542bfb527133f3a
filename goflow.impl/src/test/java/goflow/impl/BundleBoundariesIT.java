package goflow.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;

/**
 * Checks the packaged bundles against the module boundaries of DESIGN.md: goflow.impl exports no
 * package and provides GoFlow; goflow.api exports exactly its contract packages (never an
 * {@code internal} one: the context machinery, the system clock and timer stay private) and
 * imports nothing outside the JDK. Runs on the jars (failsafe, after {@code package}).
 */
class BundleBoundariesIT {

    /** The packages goflow.api exports: its contract, nothing else. */
    static final Set<String> API_EXPORTS = Set.of("goflow.api", "goflow.api.channel", "goflow.api.context",
            "goflow.api.function", "goflow.api.inspect", "goflow.api.io", "goflow.api.pipeline", "goflow.api.pool",
            "goflow.api.ratelimit", "goflow.api.schedule", "goflow.api.stream", "goflow.api.testing");

    static Path implJar() {
        return Paths.get(System.getProperty("goflow.impl.jar"));
    }

    static Path apiJar() throws Exception {
        Path p = Paths.get(GoFlow.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(Files.isRegularFile(p), "goflow.api must be a packaged jar here: " + p);
        return p;
    }

    @Test
    void implExportsNothingAndProvidesGoFlow() throws Exception {
        try (JarFile jar = new JarFile(implJar().toFile())) {
            Manifest mf = jar.getManifest();
            assertEquals("goflow.impl", mf.getMainAttributes().getValue("Bundle-SymbolicName"));
            assertNull(mf.getMainAttributes().getValue("Export-Package"), "goflow.impl must export nothing");
            ModuleDescriptor module = descriptor(jar);
            assertEquals("goflow.impl", module.name());
            assertEquals(Set.of(), module.exports(), "the module exports nothing");
            assertTrue(module.provides().stream().anyMatch(p -> p.service().equals("goflow.api.GoFlow")
                    && p.providers().equals(List.of("goflow.impl.GoFlowImpl"))), module.provides().toString());
            assertTrue(jar.getEntry("META-INF/services/goflow.api.GoFlow") != null, "class-path registration");
            assertTrue(module.requires().stream().allMatch(r -> r.name().startsWith("java.")
                    || r.name().equals("goflow.api")), module.requires().toString());
        }
    }

    @Test
    void apiExportsOnlyItsPackagesAndImportsOnlyTheJdk() throws Exception {
        try (JarFile jar = new JarFile(apiJar().toFile())) {
            Manifest mf = jar.getManifest();
            assertEquals("goflow.api", mf.getMainAttributes().getValue("Bundle-SymbolicName"));
            List<String> exported = packages(mf.getMainAttributes().getValue("Export-Package"));
            assertFalse(exported.isEmpty());
            assertTrue(exported.stream().allMatch(p -> p.equals("goflow.api") || p.startsWith("goflow.api.")),
                    exported.toString());
            List<String> imported = packages(mf.getMainAttributes().getValue("Import-Package"));
            List<String> foreign = imported.stream()
                    .filter(p -> !p.startsWith("java.") && !exported.contains(p))
                    .collect(Collectors.toList());
            assertEquals(List.of(), foreign, "goflow.api imports nothing outside the JDK");
            ModuleDescriptor module = descriptor(jar);
            assertEquals("goflow.api", module.name());
            assertTrue(module.requires().stream().allMatch(r -> r.name().startsWith("java.")),
                    module.requires().toString());
            assertEquals(Set.copyOf(exported),
                    module.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()));
        }
    }

    @Test
    void apiExportsExactlyItsContractPackagesAndKeepsItsMachineryPrivate() throws Exception {
        try (JarFile jar = new JarFile(apiJar().toFile())) {
            Manifest mf = jar.getManifest();
            List<String> exported = packages(mf.getMainAttributes().getValue("Export-Package"));
            assertEquals(new TreeSet<>(API_EXPORTS), new TreeSet<>(exported), "Export-Package");
            assertEquals(exported.size(), API_EXPORTS.size(), "each package exported once: " + exported);
            assertTrue(exported.stream().noneMatch(p -> p.contains("internal")), exported.toString());
            for (String p : exported) {
                assertTrue(exportClause(mf.getMainAttributes().getValue("Export-Package"), p)
                        .matches(".*;version=\"?\\d+\\.\\d+\\.\\d+\"?.*"), p + " has a version");
            }
            Set<String> moduleExports = descriptor(jar).exports().stream()
                    .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
            assertEquals(new TreeSet<>(API_EXPORTS), new TreeSet<>(moduleExports), "module-info exports");
            // the machinery is in the bundle and the module, but private to them
            List<String> privatePackages = packages(mf.getMainAttributes().getValue("Private-Package"));
            assertTrue(privatePackages.containsAll(List.of("goflow.api.internal.context", "goflow.api.internal.time")),
                    "Private-Package: " + privatePackages);
            assertTrue(privatePackages.stream().allMatch(p -> (p + ".").startsWith("goflow.api.internal.")),
                    "every private package is an internal one: " + privatePackages);
            for (String machinery : List.of("goflow/api/internal/context/CancelNode.class",
                    "goflow/api/internal/time/SystemTimer.class", "goflow/api/testing/ManualClock.class")) {
                assertTrue(jar.getEntry(machinery) != null, machinery);
            }
            for (String gone : List.of("goflow/api/SystemClock.class", "goflow/api/SystemTimer.class",
                    "goflow/api/ManualClock.class", "goflow/api/context/CancelNode.class",
                    "goflow/api/context/AbstractContext.class", "goflow/api/context/Background.class",
                    "goflow/api/context/ValueNode.class")) {
                assertNull(jar.getEntry(gone), gone + " is not in an exported package");
            }
        }
    }

    /** The clause of {@code pkg} in an Export-Package header. */
    private static String exportClause(String header, String pkg) {
        return clauses(header).stream().filter(c -> c.startsWith(pkg + ";")).findFirst()
                .orElseThrow(() -> new AssertionError(pkg + " not in " + header));
    }

    private static ModuleDescriptor descriptor(JarFile jar) throws IOException {
        try (InputStream in = jar.getInputStream(jar.getEntry("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    /** Package names of an OSGi header, without attributes and directives. */
    static List<String> packages(String header) {
        return clauses(header).stream().map(c -> c.split(";")[0].trim()).collect(Collectors.toList());
    }

    /** The clauses of an OSGi header, split at the commas outside quotes. */
    static List<String> clauses(String header) {
        List<String> clauses = new ArrayList<>();
        if (header == null) {
            return clauses;
        }
        boolean quoted = false;
        StringBuilder clause = new StringBuilder();
        for (char c : (header + ",").toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                String text = clause.toString().trim();
                if (!text.isEmpty()) {
                    clauses.add(text);
                }
                clause.setLength(0);
            } else {
                clause.append(c);
            }
        }
        return clauses;
    }
}
