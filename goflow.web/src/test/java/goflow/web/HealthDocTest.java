package goflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The health check table of docs/observability.md names every property of {@link HealthConfig} with its default. */
class HealthDocTest {
    /** The health check table: from its section's heading to the example after it. */
    private static String table() throws Exception {
        String doc = Files.readString(Path.of("../docs/observability.md"), StandardCharsets.UTF_8);
        int start = doc.indexOf("## Health checks");
        assertTrue(start >= 0, "docs/observability.md has no section 'Health checks'");
        int end = doc.indexOf("```", start);
        return doc.substring(start, end < 0 ? doc.length() : end);
    }

    /** An attribute's property name by the metatype rules: a single underscore is a dot. */
    private static String property(Method m) {
        return m.getName().replace('_', '.');
    }

    @Test
    void everyThresholdIsListedWithItsDefault() throws Exception {
        String table = table();
        List<String> wrong = new ArrayList<>();
        Set<String> attributes = new TreeSet<>();
        for (Method m : HealthConfig.class.getDeclaredMethods()) {
            Object d = m.getDefaultValue();
            if (d == null) {
                continue;
            }
            String property = property(m);
            attributes.add(property);
            String shown = d instanceof String s ? "`" + s + "`" : String.valueOf(d);
            if (!table.contains("`" + property + "` (" + shown)) {
                wrong.add(property + " (" + shown + ")");
            }
        }
        assertEquals(13, attributes.size(), attributes::toString);
        assertTrue(wrong.isEmpty(), () -> "docs/observability.md's health check table lacks or misstates " + wrong);
        // and names no property that HealthConfig does not have
        Set<String> listed = new TreeSet<>();
        Pattern named = Pattern.compile("`([a-z.]+)` \\(");
        List<String> rows = table.lines()
                .filter(l -> l.startsWith("| ") && l.endsWith(" |") && !l.startsWith("| check")).toList();
        for (String row : rows) {
            String[] cells = row.split("\\|");
            Matcher m = named.matcher(cells[cells.length - 1]); // the column of properties
            while (m.find()) {
                listed.add(m.group(1));
            }
        }
        assertEquals(attributes, listed, "properties in the table");
    }

    @Test
    void theWarnAndCriticalColumnsAreTheDefaults() throws Exception {
        String table = table();
        // HealthConfig's defaults, as a configuration without a property gives them
        HealthConfig defaults = (HealthConfig) Proxy.newProxyInstance(HealthDocTest.class.getClassLoader(),
                new Class<?>[] {HealthConfig.class}, (proxy, method, args) -> method.getDefaultValue());
        Thresholds t = Thresholds.of(defaults);
        assertEquals(Thresholds.DEFAULTS, t, "Thresholds.DEFAULTS are HealthConfig's defaults");
        row(table, "goflow worker pools", percent(t.poolWarn()), percent(t.poolCritical()));
        row(table, "goflow limiters", percent(t.limiterWarn()), percent(t.limiterCritical()));
        row(table, "goflow pipelines", percent(t.pipelineWarn()), percent(t.pipelineCritical()));
        row(table, "goflow schedulers", "≥ " + t.schedulerWarn(), "≥ " + t.schedulerCritical());
        row(table, "goflow async writers", "≥ " + t.writerWarn() + " error", "≥ " + t.writerCritical() + " errors");
        assertTrue(table.contains("`window` (`" + t.window() + "`"), table);
    }

    private static String percent(double ratio) {
        return "≥ " + Math.round(ratio * 100) + " %";
    }

    private static void row(String table, String check, String warn, String critical) {
        String row = table.lines().filter(l -> l.startsWith("| `" + check + "` |")).findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + check));
        String[] cells = row.split("\\|");
        assertTrue(cells[3].trim().startsWith(warn), () -> check + ": WARN column '" + cells[3].trim() + "', expected " + warn);
        assertTrue(cells[4].trim().startsWith(critical),
                () -> check + ": CRITICAL column '" + cells[4].trim() + "', expected " + critical);
    }
}
