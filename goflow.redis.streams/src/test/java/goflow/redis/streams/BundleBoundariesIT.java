package goflow.redis.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The packaged bundle keeps the boundaries of DESIGN.md: it exports its API package only, imports
 * goflow.api and Jedis but never goflow.impl, and its module descriptor says the same.
 */
class BundleBoundariesIT {

    private static JarFile jar() throws Exception {
        return new JarFile(Path.of(System.getProperty("goflow.redis.streams.jar")).toFile());
    }

    @Test
    void exportsItsApiAndImportsGoflowApiAndJedisNeverTheImplementation() throws Exception {
        try (JarFile jar = jar()) {
            String exports = jar.getManifest().getMainAttributes().getValue("Export-Package");
            assertTrue(exports.startsWith("goflow.redis.streams;") && !exports.contains("internal"), exports);
            String imports = jar.getManifest().getMainAttributes().getValue("Import-Package");
            assertTrue(imports.contains("goflow.api.pipeline;") && imports.contains("redis.clients.jedis;"), imports);
            assertTrue(!imports.contains("goflow.impl"), "never goflow.impl: " + imports);
            assertTrue(imports.contains("org.apache.felix.service.command;resolution:=optional"), imports);

            ModuleDescriptor module = ModuleDescriptor.read(jar.getInputStream(jar.getEntry("module-info.class")));
            assertEquals("goflow.redis.streams", module.name());
            assertEquals(Set.of("goflow.redis.streams"), module.exports().stream().map(ModuleDescriptor.Exports::source)
                    .collect(Collectors.toSet()));
            Set<String> requires = module.requires().stream().map(ModuleDescriptor.Requires::name)
                    .collect(Collectors.toCollection(TreeSet::new));
            assertTrue(requires.containsAll(Arrays.asList("goflow.api", "redis.clients.jedis")), requires.toString());
            assertTrue(requires.stream().noneMatch(r -> r.startsWith("goflow.impl")), requires.toString());
        }
    }
}
