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
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;

/**
 * Checks the packaged bundles against the module boundaries of DESIGN.md: goflow.impl exports no
 * package and provides GoFlow; goflow.api exports only goflow.api.* and imports nothing outside the
 * JDK. Runs on the jars (failsafe, after {@code package}).
 */
class BundleBoundariesIT {

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

    private static ModuleDescriptor descriptor(JarFile jar) throws IOException {
        try (InputStream in = jar.getInputStream(jar.getEntry("module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    /** Package names of an OSGi header, without attributes and directives. */
    static List<String> packages(String header) {
        List<String> names = new ArrayList<>();
        if (header == null) {
            return names;
        }
        boolean quoted = false;
        StringBuilder clause = new StringBuilder();
        for (char c : (header + ",").toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                String first = clause.toString().split(";")[0].trim();
                if (!first.isEmpty()) {
                    names.add(first);
                }
                clause.setLength(0);
            } else {
                clause.append(c);
            }
        }
        return names;
    }
}
