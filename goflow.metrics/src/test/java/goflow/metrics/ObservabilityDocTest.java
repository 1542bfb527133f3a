package goflow.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** docs/observability.md lists every metric family with its type. */
class ObservabilityDocTest {
    @Test
    void everyFamilyIsListedWithItsType() throws Exception {
        String doc = Files.readString(Path.of("../docs/observability.md"), StandardCharsets.UTF_8);
        List<String> missing = new ArrayList<>();
        for (Metric m : MetricCatalog.all()) {
            if (!doc.contains("| `" + m.name() + "` | " + m.type().text() + " |")) {
                missing.add(m.name() + " (" + m.type().text() + ")");
            }
        }
        assertTrue(missing.isEmpty(), () -> "docs/observability.md lacks " + missing);
    }
}
