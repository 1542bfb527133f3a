package goflow.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import goflow.api.GoFlow;

/**
 * docs/observability.md, "Plain JVM: Micrometer and Prometheus text": the example that serves the
 * exposition from the JDK's HTTP server, compiled and run (on a free port instead of 9400). Keep
 * the body in step with the page.
 */
class PlainJvmExpositionDocTest {
    @Test
    void theHttpServerExampleServesTheExposition() throws Exception {
        try (GoFlow goflow = GoFlow.load()) {
            goflow.tokenBucket().name("api").rate(100).burst(200).build().allow();
            HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.createContext("/metrics", ex -> {
                byte[] body = PrometheusText.toText(Samples.of(goflow.registry().snapshot()))
                        .getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", PrometheusText.CONTENT_TYPE);
                ex.sendResponseHeaders(200, body.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(body);
                }
            });
            http.start();
            try {
                HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + http.getAddress().getPort() + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertEquals("text/plain; version=0.0.4; charset=utf-8",
                        r.headers().firstValue("Content-Type").orElseThrow());
                assertTrue(r.body().contains(
                        "goflow_token_bucket_allowed_total{name=\"api\",kind=\"token-bucket\",owner=\"application\"} 1"),
                        r.body());
            } finally {
                http.stop(0);
            }
        }
    }
}
