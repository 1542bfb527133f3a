package goflow.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import goflow.api.Primitive;
import goflow.api.inspect.PrimitiveInfo;
import goflow.api.inspect.Stats;

/** Rows a plugin's primitive can produce that the catalogue never saw: odd figure names. */
class SamplesTest {
    /** Figures a plugin named in its own language. */
    private record Named(Map<String, Object> figures) implements Stats {
        @Override
        public Map<String, Object> toMap() {
            return figures;
        }
    }

    private static PrimitiveInfo row(String name, Stats stats) {
        return new PrimitiveInfo(name, Primitive.Kind.STREAM_CONSUMER, "goflow.plugin", stats);
    }

    @Test
    void anUndocumentedFigureWithNonAsciiCapitalsGetsAValidMetricName() throws Exception {
        String text = PrometheusText.toText(Samples.of(List.of(row("de", new Named(Map.of("Änderungen", 7L))))));
        assertEquals("7", Promtool.samples(text).get("goflow_stream_consumer__nderungen{name=\"de\","
                + "kind=\"stream-consumer\",owner=\"goflow.plugin\"}"), text);
        Promtool.check(text);
    }
}
