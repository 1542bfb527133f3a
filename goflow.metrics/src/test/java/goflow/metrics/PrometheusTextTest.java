package goflow.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    private static final Metric COUNTER = new Metric("goflow_test_events_total", Metric.Type.COUNTER, "",
            "Events, with a \\ backslash\nand a new line.");
    private static final Metric GAUGE = new Metric("goflow_test_level", Metric.Type.GAUGE, "", "A level.");

    private static Map<String, String> labels(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void familiesAreGroupedWithOneHelpAndTypeAndLabelValuesAreEscaped() throws Exception {
        String text = PrometheusText.toText(List.of(
                new Sample(COUNTER, labels("name", "a\"b\\c\nd"), 3L),
                new Sample(GAUGE, labels("name", "x"), 1.5),
                new Sample(COUNTER, labels("name", "plain"), 4)));
        assertEquals("# HELP goflow_test_events_total Events, with a \\\\ backslash\\nand a new line.\n"
                + "# TYPE goflow_test_events_total counter\n"
                + "goflow_test_events_total{name=\"a\\\"b\\\\c\\nd\"} 3\n"
                + "goflow_test_events_total{name=\"plain\"} 4\n"
                + "# HELP goflow_test_level A level.\n"
                + "# TYPE goflow_test_level gauge\n"
                + "goflow_test_level{name=\"x\"} 1.5\n", text);
        Promtool.check(text);
    }

    @Test
    void specialValuesAreWrittenInGoSyntaxAndIntegersExactly() throws Exception {
        assertEquals("+Inf", PrometheusText.value(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", PrometheusText.value(Double.NEGATIVE_INFINITY));
        assertEquals("NaN", PrometheusText.value(Double.NaN));
        assertEquals("9007199254740993", PrometheusText.value(9007199254740993L));
        assertEquals("2", PrometheusText.value(2.0));
        assertEquals("1.0E-9", PrometheusText.value(1e-9));
        String text = PrometheusText.toText(List.of(new Sample(GAUGE, labels("name", "inf"), Double.POSITIVE_INFINITY),
                new Sample(GAUGE, labels("name", "nan"), Double.NaN),
                new Sample(GAUGE, labels("name", "tiny"), 1e-9)));
        Promtool.check(text);
    }

    @Test
    void aDuplicateSeriesIsWrittenOnce() {
        String text = PrometheusText.toText(List.of(new Sample(GAUGE, labels("name", "a"), 1),
                new Sample(GAUGE, labels("name", "a"), 2)));
        assertEquals(Map.of("goflow_test_level{name=\"a\"}", "1"), Promtool.samples(text));
    }

    @Test
    void labelNamesAreMadeValid() {
        assertEquals("stage_name", PrometheusText.labelName("stage.name"));
        assertEquals("_1x", PrometheusText.labelName("1x"));
    }

    @Test
    void aMetricNameBreakingTheConventionsIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Metric("goflow_x", Metric.Type.COUNTER, "", "h"));
        assertThrows(IllegalArgumentException.class, () -> new Metric("goflow_x_total", Metric.Type.GAUGE, "", "h"));
        assertThrows(IllegalArgumentException.class, () -> new Metric("goflow_x_ms", Metric.Type.GAUGE, "seconds", "h"));
        assertThrows(IllegalArgumentException.class, () -> new Metric("other_x", Metric.Type.GAUGE, "", "h"));
    }

    @Test
    void micrometerNamesDropTheTotalAndTheUnit() {
        assertEquals("goflow.token.bucket.allowed",
                MetricCatalog.find("token_bucket", "allowed").orElseThrow().micrometerName());
        assertEquals("goflow.pipeline.duration",
                MetricCatalog.find("pipeline", "totalDuration").orElseThrow().micrometerName());
        assertEquals("goflow.async.writer.accepted",
                MetricCatalog.find("async_writer", "bytesAccepted").orElseThrow().micrometerName());
    }
}
