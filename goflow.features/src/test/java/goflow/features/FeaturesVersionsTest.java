package goflow.features;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The features repository names the bundles the build resolves, in the versions it resolves: each
 * {@code mvn:} bundle URL of the filtered {@code target/feature/features.xml} (the published file) is
 * on this test's class path, where goflow.features declares every bundle, or the bundle that brings
 * it, as a provided dependency. goflow's own bundles carry {@code ${project.version}}; the others are
 * written out, and the build takes their versions from the root POM's dependencyManagement and from
 * Jedis' own POM. A version changed there and not in features.xml fails here, naming both, instead
 * of KarafIT installing the old jar from {@code ~/.m2} (green, while the build tests another one) or
 * failing on a clean machine with Karaf's resolution error.
 */
class FeaturesVersionsTest {
    private static final Pattern BUNDLE = Pattern.compile("<bundle[^>]*>\\s*mvn:([^/<\\s]+)/([^/<\\s]+)/([^/<\\s]+)\\s*</bundle>");

    @Test
    void everyBundleOfTheFeaturesIsADependencyInTheVersionTheBuildResolves() throws IOException {
        Path file = Path.of(System.getProperty("goflow.features.file", "target/feature/features.xml"));
        String xml = Files.readString(file);
        List<String> classPath = List.of(System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")).replace('\\', '/').split(File.pathSeparator));
        // A bundle that several features name is reported once.
        Set<String> problems = new LinkedHashSet<>();
        int bundles = 0;
        for (Matcher m = BUNDLE.matcher(xml); m.find(); bundles++) {
            String group = m.group(1);
            String artifact = m.group(2);
            String version = m.group(3);
            String folder = "/" + group.replace('.', '/') + "/" + artifact + "/";
            String jar = folder + version + "/" + artifact + "-" + version + ".jar";
            // A reactor module is on the class path as its target/classes (or jar): its folder is its artifactId.
            boolean reactor = group.equals("dev.goflow")
                    && classPath.stream().anyMatch(e -> e.contains("/" + artifact + "/target/"));
            if (reactor || classPath.stream().anyMatch(e -> e.endsWith(jar))) {
                continue;
            }
            List<String> resolved = classPath.stream().filter(e -> e.contains(folder))
                    .map(e -> e.substring(e.indexOf(folder) + folder.length()).split("/")[0])
                    .collect(Collectors.toList());
            problems.add("mvn:" + group + "/" + artifact + "/" + version + ": " + (resolved.isEmpty()
                    ? "not a dependency of goflow.features (add it, or the bundle that brings it, as provided)"
                    : "the build resolves " + group + ":" + artifact + ":" + String.join(", ", resolved)));
        }
        assertTrue(bundles >= 20, () -> "no mvn: bundles found in " + file + ":\n" + xml);
        assertTrue(problems.isEmpty(), () -> "goflow.features/src/main/feature/features.xml does not match the build "
                + "(the root pom.xml's dependencyManagement, Jedis' dependencies); update its versions:\n  "
                + String.join("\n  ", problems));
    }
}
