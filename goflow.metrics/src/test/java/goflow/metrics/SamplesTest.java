package goflow.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import goflow.api.Primitive;
import goflow.api.inspect.PrimitiveInfo;
import goflow.api.inspect.Stats;

/** Rows a plugin's primitive can produce that the catalogue never saw: odd figure names, figures that fail. */
class SamplesTest {
    /** A plugin's figures. */
    private record Figures(long read, long acknowledged) implements Stats {
    }

    /** Figures a plugin named in its own language. */
    private record Named(Map<String, Object> figures) implements Stats {
        @Override
        public Map<String, Object> toMap() {
            return figures;
        }
    }

    /** Not a record, and no toMap() of its own: toMap() throws, as Stats documents. */
    private static final class NotARecord implements Stats {
    }

    private static PrimitiveInfo row(String name, Stats stats) {
        return new PrimitiveInfo(name, Primitive.Kind.STREAM_CONSUMER, "goflow.plugin", stats);
    }

    @Test
    void aRowWhoseFiguresCannotBeReadIsLeftOutAndTheOtherRowsAreWritten() throws Exception {
        List<Sample> samples = Samples.of(List.of(row("a", new Figures(3, 2)), row("broken", new NotARecord()),
                row("z", new Figures(5, 4))));
        String text = PrometheusText.toText(samples);
        Map<String, String> values = Promtool.samples(text);
        assertEquals("3", values.get("goflow_stream_consumer_read_total{name=\"a\",kind=\"stream-consumer\","
                + "owner=\"goflow.plugin\"}"), text);
        assertEquals("4", values.get("goflow_stream_consumer_acknowledged_total{name=\"z\",kind=\"stream-consumer\","
                + "owner=\"goflow.plugin\"}"), text);
        assertTrue(values.keySet().stream().noneMatch(k -> k.contains("broken")), text);
        Promtool.check(text);
    }

    @Test
    void aRowWithANumberThatFailsWhenReadIsLeftOutAndTheOtherRowsAreWritten() throws Exception {
        Map<String, Object> figures = new java.util.LinkedHashMap<>();
        figures.put("read", 7L);
        figures.put("lag", new FailingNumber());
        List<Sample> samples = Samples.of(List.of(row("a", new Figures(3, 2)), row("broken", new Named(figures)),
                row("z", new Figures(5, 4))));
        String text = PrometheusText.toText(samples);
        Map<String, String> values = Promtool.samples(text);
        assertEquals("3", values.get("goflow_stream_consumer_read_total{name=\"a\",kind=\"stream-consumer\","
                + "owner=\"goflow.plugin\"}"), text);
        assertEquals("4", values.get("goflow_stream_consumer_acknowledged_total{name=\"z\",kind=\"stream-consumer\","
                + "owner=\"goflow.plugin\"}"), text);
        assertTrue(values.keySet().stream().noneMatch(k -> k.contains("broken")), text);
        Promtool.check(text);
    }

    @Test
    void aCounterOfTheJdksMutableTypesIsReadOnceWhenSampledAndWrittenExactly() throws Exception {
        java.util.concurrent.atomic.LongAdder read = new java.util.concurrent.atomic.LongAdder();
        read.add(9_007_199_254_740_993L); // 2^53 + 1: a double cannot hold it
        List<Sample> samples = Samples.of(List.of(row("a", new Named(Map.of("read", read)))));
        read.increment(); // after the sample: not in it
        String text = PrometheusText.toText(samples);
        assertTrue(text.contains("goflow_stream_consumer_read_total{name=\"a\",kind=\"stream-consumer\","
                + "owner=\"goflow.plugin\"} 9007199254740993\n"), text);
        Promtool.check(text);
    }

    @Test
    void anUndocumentedFigureWithNonAsciiCapitalsGetsAValidMetricName() throws Exception {
        String text = PrometheusText.toText(Samples.of(List.of(row("de", new Named(Map.of("Änderungen", 7L))))));
        assertEquals("7", Promtool.samples(text).get("goflow_stream_consumer__nderungen{name=\"de\","
                + "kind=\"stream-consumer\",owner=\"goflow.plugin\"}"), text);
        Promtool.check(text);
    }

    @Test
    void aTextFigureNamedLikeARowsLabelIsPrefixedAndLeavesTheRowsLabelsAlone() throws Exception {
        Map<String, Object> figures = new java.util.LinkedHashMap<>();
        figures.put("name", "same");
        figures.put("kind", "fast");
        figures.put("owner", "me");
        figures.put("stage", "warm");
        figures.put("phase", "up");
        String text = PrometheusText.toText(Samples.of(List.of(row("a", new Named(figures)),
                row("b", new Named(figures)))));
        Map<String, String> values = Promtool.samples(text);
        for (String row : List.of("a", "b")) {
            String labels = "{name=\"" + row + "\",kind=\"stream-consumer\",owner=\"goflow.plugin\",";
            assertEquals("1", values.get("goflow_stream_consumer_name" + labels + "figure_name=\"same\"}"), text);
            assertEquals("1", values.get("goflow_stream_consumer_kind" + labels + "figure_kind=\"fast\"}"), text);
            assertEquals("1", values.get("goflow_stream_consumer_owner" + labels + "figure_owner=\"me\"}"), text);
            assertEquals("1", values.get("goflow_stream_consumer_stage" + labels + "figure_stage=\"warm\"}"), text);
            assertEquals("1", values.get("goflow_stream_consumer_phase" + labels + "phase=\"up\"}"), text);
        }
        assertEquals(10, values.size(), text);
        Promtool.check(text);
    }

    @Test
    void aTextFigureNamedLikeAReservedLabelIsPrefixedSoPrometheusTakesTheScrape() throws Exception {
        Map<String, Object> figures = new java.util.LinkedHashMap<>();
        figures.put("__name__", "shadow");
        figures.put("__address__", "evil:1");
        String text = PrometheusText.toText(Samples.of(List.of(row("a", new Named(figures)))));
        Map<String, String> values = Promtool.samples(text);
        String labels = "{name=\"a\",kind=\"stream-consumer\",owner=\"goflow.plugin\",";
        assertEquals("1", values.get("goflow_stream_consumer___name__" + labels + "figure___name__=\"shadow\"}"), text);
        assertEquals("1", values.get("goflow_stream_consumer___address__" + labels + "figure___address__=\"evil:1\"}"),
                text);
        Promtool.check(text);
    }

    /**
     * A plugin's figures named as counts or sums are numbers as any other: their undocumented
     * gauges must not end in the suffixes Prometheus reserves for histograms and summaries
     * ({@code _count}, {@code _sum}, {@code _bucket}), which promtool refuses on a gauge.
     */
    @Test
    void anUndocumentedFigureNamedLikeAHistogramSeriesGetsANamePromtoolTakes() throws Exception {
        Map<String, Object> figures = new java.util.LinkedHashMap<>();
        figures.put("count", 1L);
        figures.put("errorCount", 2L);
        figures.put("sum", 3L);
        figures.put("latency_bucket", 4L);
        String text = PrometheusText.toText(Samples.of(List.of(row("a", new Named(figures)))));
        Map<String, String> values = Promtool.samples(text);
        String labels = "{name=\"a\",kind=\"stream-consumer\",owner=\"goflow.plugin\"}";
        assertEquals("1", values.get("goflow_stream_consumer_count_value" + labels), text);
        assertEquals("2", values.get("goflow_stream_consumer_error_count_value" + labels), text);
        assertEquals("3", values.get("goflow_stream_consumer_sum_value" + labels), text);
        assertEquals("4", values.get("goflow_stream_consumer_latency_bucket_value" + labels), text);
        Promtool.check(text);
    }

    /**
     * A figure named {@code stage.count} (a plugin's pipeline: its count of stages) names no stage:
     * it is a figure of the pipeline itself, not left out (no figure is hidden).
     */
    @Test
    void aFigureNamedStageWithoutAStageNameIsWrittenAsAFigureOfItsOwn() throws Exception {
        Map<String, Object> figures = new java.util.LinkedHashMap<>();
        figures.put("stage.count", 2L);
        figures.put("stage..count", 3L);
        figures.put("stage.a.count", 4L);
        String text = PrometheusText.toText(Samples.of(List.of(new PrimitiveInfo("p", Primitive.Kind.PIPELINE,
                "goflow.plugin", new Named(figures)))));
        Map<String, String> values = Promtool.samples(text);
        String labels = "{name=\"p\",kind=\"pipeline\",owner=\"goflow.plugin\"";
        assertEquals("2", values.get("goflow_pipeline_stage_count_value" + labels + "}"), text);
        assertEquals("3", values.get("goflow_pipeline_stage__count_value" + labels + "}"), text);
        assertEquals("4", values.get("goflow_pipeline_stage_calls_total" + labels + ",stage=\"a\"}"), text);
        assertEquals(3, values.size(), text);
        Promtool.check(text);
    }

    /**
     * A text figure's label is named as its metric is, in snake case ({@code lastError} gives
     * {@code last_error}), and one named like a histogram's or summary's label ({@code le},
     * {@code quantile}) is prefixed: promtool refuses a camelCase label name and those labels on a
     * gauge.
     */
    @Test
    void aTextFigureInCamelCaseOrNamedLikeAHistogramLabelGetsALabelPromtoolTakes() throws Exception {
        Map<String, Object> figures = new java.util.LinkedHashMap<>();
        figures.put("lastError", "timeout");
        figures.put("le", "low");
        figures.put("quantile", "p99");
        String text = PrometheusText.toText(Samples.of(List.of(row("a", new Named(figures)))));
        Map<String, String> values = Promtool.samples(text);
        String labels = "{name=\"a\",kind=\"stream-consumer\",owner=\"goflow.plugin\",";
        assertEquals("1", values.get("goflow_stream_consumer_last_error" + labels + "last_error=\"timeout\"}"), text);
        assertEquals("1", values.get("goflow_stream_consumer_le" + labels + "figure_le=\"low\"}"), text);
        assertEquals("1", values.get("goflow_stream_consumer_quantile" + labels + "figure_quantile=\"p99\"}"), text);
        Promtool.check(text);
    }
}
