package goflow.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

import goflow.api.inspect.PrimitiveInfo;
import goflow.metrics.MetricCatalog;
import goflow.metrics.PrometheusText;
import goflow.metrics.Sample;
import goflow.metrics.Samples;

/**
 * {@code GET /metrics}: every live primitive's figures in the Prometheus text exposition format
 * 0.0.4 ({@link MetricCatalog} names the families), and for each pipeline configured by stage
 * names the stage plugins it waits for. Read-only; any other method is refused by the servlet. One
 * reading of the figures at a time ({@link Sampler#read}): while a primitive's {@code stats()} does
 * not return, a scrape waits at most 10 s and is answered 503 saying so.
 *
 * <p>Thread-safe: stateless besides the thread-safe sampler.
 */
@Component(service = Servlet.class, property = {
    "osgi.http.whiteboard.servlet.pattern=/metrics",
    "osgi.http.whiteboard.servlet.name=goflow-metrics"
})
public final class MetricsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    /** The sampler: its registry and plugins (not serializable; servlets are never serialized here). */
    private final transient Sampler sampler;

    /**
     * Creates the servlet.
     *
     * @param sampler the registry and the plugins present
     */
    @Activate
    public MetricsServlet(@Reference Sampler sampler) {
        this.sampler = sampler;
    }

    /**
     * Returns the exposition of every live primitive.
     *
     * @param sampler the registry and the plugins present
     * @return the samples
     */
    static List<Sample> samples(Sampler sampler) {
        List<PrimitiveInfo> rows = sampler.registry().snapshot();
        List<Sample> samples = Samples.of(rows);
        for (PrimitiveInfo row : rows) {
            Optional<List<String>> missing = sampler.missingStages(row);
            missing.ifPresent(m -> samples.add(new Sample(MetricCatalog.PIPELINE_MISSING_STAGES, Samples.labels(row),
                    m.size())));
        }
        return samples;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        List<Sample> samples;
        try {
            samples = sampler.read(() -> samples(sampler)); // values are read when sampled: formatting needs no lock
        } catch (Sampler.Busy e) {
            byte[] bytes = ("goflow.web: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
            resp.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            resp.setContentType("text/plain; charset=utf-8");
            resp.setContentLength(bytes.length);
            resp.getOutputStream().write(bytes);
            return;
        }
        String text = PrometheusText.toText(samples);
        resp.setStatus(HttpServletResponse.SC_OK);
        resp.setContentType(PrometheusText.CONTENT_TYPE);
        resp.setHeader("Cache-Control", "no-store");
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(bytes.length);
        resp.getOutputStream().write(bytes);
    }
}
