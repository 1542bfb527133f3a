package goflow.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The Pax Exam bundles that pom.xml prefetches into the local repository (so that the framework
 * provisions them offline) are exactly versions that Pax Exam's own {@code META-INF/links/*.link}
 * files name: the list is Pax Exam's, and an upgrade that changes it fails here, naming the item
 * to write, instead of failing offline in every integration test.
 */
class PaxExamLinksTest {
    private static final Pattern ITEM = Pattern.compile(
            "<artifactItem><groupId>([^<]+)</groupId><artifactId>([^<]+)</artifactId><version>([^<]+)</version></artifactItem>");
    private static final Pattern MVN = Pattern.compile("mvn:([^/]+)/([^/]+)/(\\S+)");

    @Test
    void everyPrefetchedBundleIsOneThatPaxExamLinksAtTheVersionItLinks() throws Exception {
        Map<String, String> linked = linkedByPaxExam();
        assertTrue(linked.containsKey("org.ops4j.pax.exam:pax-exam"), linked::toString);
        String pom = Files.readString(Path.of("pom.xml"), StandardCharsets.UTF_8);
        String paxExamVersion = property(pom, "pax.exam.version");
        Matcher m = ITEM.matcher(pom.replace("${pax.exam.version}", paxExamVersion));
        List<String> wrong = new ArrayList<>();
        int items = 0;
        while (m.find()) {
            items++;
            String key = m.group(1) + ":" + m.group(2);
            String version = linked.get(key);
            if (!m.group(3).equals(version)) {
                wrong.add(key + ":" + m.group(3) + " (Pax Exam links " + (version == null ? "nothing of that name" : version)
                        + ")");
            }
        }
        assertTrue(items >= 10, "no prefetch list found in pom.xml");
        assertEquals(List.of(), wrong, "pom.xml's prefetch-pax-exam-links items that Pax Exam does not link as written");
    }

    /** groupId:artifactId to version, from every .link file of pax-exam-link-mvn. */
    private static Map<String, String> linkedByPaxExam() throws IOException, URISyntaxException {
        URL one = PaxExamLinksTest.class.getClassLoader().getResource("META-INF/links/org.ops4j.pax.exam.link");
        assertTrue(one != null && one.getProtocol().equals("jar"), "pax-exam-link-mvn is not on the class path: " + one);
        Map<String, String> linked = new TreeMap<>();
        URI jar = one.toURI();
        try (FileSystem fs = FileSystems.newFileSystem(jar, Map.of());
                Stream<Path> links = Files.list(fs.getPath("/META-INF/links"))) {
            for (Path link : (Iterable<Path>) links::iterator) {
                Matcher m = MVN.matcher(Files.readString(link, StandardCharsets.UTF_8).trim());
                if (m.matches()) {
                    linked.put(m.group(1) + ":" + m.group(2), m.group(3));
                }
            }
        }
        return linked;
    }

    private static String property(String pom, String name) throws IOException {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(pom);
        if (m.find()) {
            return m.group(1);
        }
        Matcher parent = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</")
                .matcher(Files.readString(Path.of("../pom.xml"), StandardCharsets.UTF_8));
        assertTrue(parent.find(), name + " is set in neither pom");
        return parent.group(1);
    }
}
