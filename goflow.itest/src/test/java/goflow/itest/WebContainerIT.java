package goflow.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import goflow.metrics.Promtool;
import goflow.web.testing.Chromium;

/**
 * The container's HTTP side, end to end and as people use it: the real container jar started once
 * with HTTP on a free port of 127.0.0.1; {@code /metrics} read by Prometheus' own parser
 * ({@code promtool}); {@code /system/health} and {@code hc:exec}; the dashboard in a real headless
 * Chromium, whose numbers move with the demo traffic, which marks a pipeline waiting for a stage,
 * and which changes a limiter's rate once live changes are enabled, while a cross-site request is
 * refused. A screenshot of the dashboard is saved ({@code goflow.itest.screenshot}; README's
 * {@code docs/dashboard.png} is one).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebContainerIT {
    private static final Duration WAIT = Duration.ofSeconds(Containers.TIMEOUT_SECONDS);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /** The container's working folder and home, removed by JUnit after the class. */
    @TempDir
    static Path dir;
    private static Path out;
    private static Process container;
    private static Writer shell;
    private static int port;
    private static String base;

    @BeforeAll
    static void startContainer() throws Exception {
        out = dir.resolve("out.txt");
        port = Ports.freePort();
        base = "http://127.0.0.1:" + port;
        List<String> args = List.of("-Dorg.osgi.service.http.port=" + port);
        container = new ProcessBuilder(Containers.command(dir, args)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        shell = new OutputStreamWriter(container.getOutputStream(), StandardCharsets.UTF_8);
        poll("/metrics", r -> r.statusCode() == 200 && r.body().contains("demo-orders"));
    }

    @AfterAll
    static void stopContainer() throws Exception {
        try {
            if (container != null && container.isAlive()) {
                send("stop 0");
                assertTrue(container.waitFor(Containers.TIMEOUT_SECONDS, TimeUnit.SECONDS), () -> "no stop:\n" + console());
                assertEquals(0, container.exitValue(), WebContainerIT::console);
            }
        } finally {
            if (container != null) {
                Containers.kill(container);
            }
        }
    }

    private static void send(String line) throws IOException {
        shell.write(line + "\n");
        shell.flush();
    }

    private static String console() {
        try {
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> poll(String path, Predicate<HttpResponse<String>> wanted) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        HttpResponse<String> last = null;
        Exception error = null;
        while (System.nanoTime() < deadline) {
            try {
                last = get(path);
                if (wanted.test(last)) {
                    return last;
                }
            } catch (IOException e) {
                error = e; // not listening yet
            }
            assertTrue(container.isAlive(), WebContainerIT::console);
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("GET " + path + " never gave what was wanted; last: "
                + (last == null ? error : last.statusCode() + " " + last.body()) + "\nconsole:\n" + console());
    }

    private static long sample(String text, String series) {
        String v = Promtool.samples(text).get(series);
        assertTrue(v != null, () -> "no " + series + " in\n" + text);
        return Long.parseLong(v);
    }

    @Test
    @Order(1)
    void metricsAreTextPrometheusAcceptsAndTheDemoCountersGrow() throws Exception {
        HttpResponse<String> first = get("/metrics");
        assertEquals(200, first.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8",
                first.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT));
        Promtool.check(first.body());
        String allowed = "goflow_token_bucket_allowed_total{name=\"demo-ingress\",kind=\"token-bucket\","
                + "owner=\"goflow.tokenbucket~demo-ingress\"}";
        long before = sample(first.body(), allowed);
        for (String family : List.of("goflow_worker_pool_completed_total", "goflow_pipeline_executions_total",
                "goflow_pipeline_stage_calls_total", "goflow_concurrency_limiter_in_use", "goflow_scheduler_runs_total",
                "goflow_pipeline_missing_stages")) {
            assertTrue(first.body().contains("# TYPE " + family + " "), () -> family + " missing:\n" + first.body());
        }
        poll("/metrics", r -> sample(r.body(), allowed) > before);
    }

    @Test
    @Order(2)
    void httpListensOnLoopbackOnly() throws Exception {
        String hex = String.format("%04X", port);
        List<String> listening = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path p = Path.of(table);
            if (!Files.isReadable(p)) {
                continue;
            }
            for (String line : Files.readAllLines(p)) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length > 3 && cols[1].endsWith(":" + hex) && cols[3].equals("0A")) { // 0A: LISTEN
                    listening.add(cols[1]);
                }
            }
        }
        assertFalse(listening.isEmpty(), "nothing listens on port " + port);
        for (String address : listening) {
            String ip = address.substring(0, address.indexOf(':'));
            // 127.0.0.1 as IPv4, or as IPv4-mapped IPv6 (::ffff:127.0.0.1), in /proc's byte order
            assertTrue(ip.equals("0100007F") || ip.equals("0000000000000000FFFF00000100007F"),
                    () -> "port " + port + " listens beyond loopback: " + listening);
        }
    }

    @Test
    @Order(3)
    void healthChecksAreAtSystemHealthAndInHcExecAndNoEndpointChangesState() throws Exception {
        HttpResponse<String> health = poll("/system/health?format=json&tags=goflow", r -> r.statusCode() == 200);
        for (String check : List.of("goflow worker pools", "goflow limiters", "goflow pipelines", "goflow schedulers",
                "goflow async writers")) {
            assertTrue(health.body().contains("\"name\":\"" + check + "\""), () -> check + " missing: " + health.body());
        }
        assertTrue(health.body().contains("worker pool 'demo-workers': queue "), health.body());
        assertEquals("OK", get("/system/health?format=txt&tags=goflow-worker-pools").body().trim());
        String verbose = get("/system/health?format=verbose.txt&tags=goflow").body();
        assertTrue(verbose.contains("goflow pipelines") && verbose.contains("demo-orders"), verbose);
        assertFalse(health.headers().firstValue("Access-Control-Allow-Origin").isPresent(), "CORS header sent");
        send("hc:exec goflow");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!console().contains("goflow worker pools") && System.nanoTime() < deadline) {
            TimeUnit.MILLISECONDS.sleep(100);
        }
        assertTrue(console().contains("Overall Health Result") && console().contains("goflow worker pools"), console());
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/goflow/api/change"))
                .header("Origin", base).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=demo-ingress&field=rate&value=1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(403, post.statusCode(), post.body());
        assertTrue(post.body().contains("live changes are disabled"), post.body());
    }

    /** Waits until the chart {@code title} of the card {@code name} has a line and its latest value is a number. */
    private static void awaitChart(Chromium browser, String name, String title) throws Exception {
        String js = "Array.from(document.querySelectorAll('[data-name=\"" + name + "\"] .chart'))"
                + ".filter(c => c.querySelector('[data-chart]').dataset.chart === '" + title + "')"
                + ".map(c => c.querySelectorAll('svg polyline').length + ' ' + c.querySelector('[data-chart]').textContent)"
                + ".join('|')";
        String drawn = browser.await(js, s -> s.matches("[1-9]\\d* -?[\\d.]+"), WAIT);
        assertTrue(drawn.matches("[1-9]\\d* -?[\\d.]+"), () -> name + " '" + title + "': " + drawn);
    }

    @Test
    @Order(6)
    void theDashboardPageForbidsEveryOtherOriginSoNoCdnCanBeLoaded() throws Exception {
        HttpResponse<String> bare = get("/goflow"); // the page's links are relative: it lives at /goflow/
        assertEquals(302, bare.statusCode());
        assertEquals("/goflow/", bare.headers().firstValue("Location").orElse(""));
        for (String path : List.of("/goflow/", "/goflow/app.js", "/goflow/app.css", "/goflow/api/state")) {
            HttpResponse<String> page = get(path);
            assertEquals(200, page.statusCode(), path);
            String csp = page.headers().firstValue("Content-Security-Policy").orElse("");
            Map<String, List<String>> directives = new TreeMap<>();
            for (String d : csp.split(";")) {
                List<String> words = List.of(d.trim().split("\\s+"));
                if (!words.get(0).isEmpty()) {
                    directives.put(words.get(0), words.subList(1, words.size()));
                }
            }
            assertEquals(List.of("'self'"), directives.get("default-src"), () -> path + ": " + csp);
            // no directive lets in another origin: only 'self', 'none' and inline data: images
            directives.forEach((name, sources) -> sources.forEach(src -> assertTrue(
                    src.equals("'self'") || src.equals("'none'") || (name.equals("img-src") && src.equals("data:")),
                    () -> path + ": " + name + " allows " + src + " in " + csp)));
            for (String fetching : List.of("script-src", "style-src", "connect-src", "font-src")) {
                assertFalse(directives.containsKey(fetching), () -> path + ": " + fetching + " overrides default-src: " + csp);
            }
        }
        String html = get("/goflow/").body();
        assertFalse(html.matches("(?s).*(src|href)=\"(https?:)?//.*"), () -> "an external asset in\n" + html);
    }

    @Test
    @Order(4)
    void theDashboardInARealBrowserShowsLiveNumbersPluginsAndAWaitingPipeline() throws Exception {
        Files.writeString(dir.resolve("deploy/goflow.pipeline-hash.config"), "name=\"hash\"\nstages=[\"trim\",\"sha256\"]\n");
        try (Chromium browser = Chromium.start(1400, 1000)) {
            browser.navigate(base + "/goflow");
            String cards = browser.await("Array.from(document.querySelectorAll('.card')).map(c => c.dataset.name).join(',')",
                    s -> s.contains("demo-ingress") && s.contains("demo-workers") && s.contains("demo-orders")
                            && s.contains("demo-traffic") && s.contains("demo-db") && s.contains("hash"), WAIT);
            assertTrue(cards.contains("demo-traffic-pool"), cards);
            String allowed = "(document.querySelector('[data-primitive=demo-ingress][data-figure=allowed]') || {}).textContent";
            long first = Long.parseLong(browser.await(allowed, s -> s.matches("\\d+"), WAIT));
            long later = Long.parseLong(browser.await(allowed, s -> s.matches("\\d+") && Long.parseLong(s) > first, WAIT));
            assertTrue(later > first);
            String status = browser.await("(document.querySelector('[data-status=hash]') || {}).textContent",
                    s -> s.equals("waiting for sha256"), WAIT);
            assertEquals("waiting for sha256", status);
            assertEquals("card waiting", browser.eval("document.querySelector('[data-name=hash]').className"));
            String stages = browser.eval("document.querySelector('#stages').textContent");
            assertTrue(stages.contains("trim") && stages.contains("parse-kv") && stages.contains("goflow.plugin.text"), stages);
            assertTrue(browser.eval("document.querySelector('#sources').textContent").contains("orders"));
            // a chart has points: the admitted rate of demo-ingress is drawn
            browser.await("String(document.querySelectorAll('[data-name=demo-ingress] svg polyline').length)",
                    s -> Integer.parseInt(s) > 0, WAIT);
            browser.await("String(document.querySelector('[data-name=demo-ingress] polyline').getAttribute('points')"
                    + ".split(' ').length)", s -> Integer.parseInt(s) >= 5, WAIT);
            // the pool's and the pipeline's charts, per-stage time included, are drawn with numbers
            for (String title : List.of("queue depth", "busy workers", "completed /s")) {
                awaitChart(browser, "demo-workers", title);
            }
            for (String title : List.of("throughput /s", "latency ms", "stage trim ms", "stage format-kv ms")) {
                awaitChart(browser, "demo-orders", title);
            }
            // works offline: everything the page loaded came from the container itself
            String origin = browser.eval("location.origin");
            assertEquals(base, origin);
            String foreign = browser.eval("performance.getEntriesByType('resource').map(e => e.name)"
                    + ".concat(Array.from(document.querySelectorAll('script[src],link[href],img[src]'))"
                    + ".map(e => e.src || e.href)).filter(u => !u.startsWith(location.origin + '/')).join(' ')");
            assertEquals("", foreign, "the page loaded or links assets from elsewhere");
            Path shot = Path.of(System.getProperty("goflow.itest.screenshot", "target/dashboard.png"));
            Files.createDirectories(shot.toAbsolutePath().getParent());
            Files.write(shot, browser.screenshot());
            assertTrue(Files.size(shot) > 10_000, "screenshot too small: " + shot);
        }
    }

    @Test
    @Order(5)
    void onceEnabledThePageChangesARateAndACrossSiteRequestIsRefused() throws Exception {
        Files.writeString(dir.resolve("deploy/goflow.web.cfg"), "controls.enabled = true\n");
        try (Chromium browser = Chromium.start(1400, 1000)) {
            browser.navigate(base + "/goflow");
            browser.await("String(document.querySelectorAll('[data-name=demo-ingress] form').length)",
                    s -> {
                        if (!s.equals("2")) {
                            try {
                                browser.navigate(base + "/goflow"); // the servlet restarts with the new configuration
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        }
                        return s.equals("2");
                    }, WAIT);
            browser.eval("(function(){var f=document.querySelector('[data-name=demo-ingress] form');"
                    + "f.querySelector('input').value='42';f.querySelector('button').click();return 'sent';})()");
            String msg = browser.await("document.querySelector('[data-name=demo-ingress] .msg').textContent.trim()",
                    s -> !s.isEmpty(), WAIT);
            assertEquals("demo-ingress rate: 60.0 -> 42.0", msg.trim());
            poll("/metrics", r -> r.body().contains("goflow_token_bucket_rate_per_second{name=\"demo-ingress\","
                    + "kind=\"token-bucket\",owner=\"goflow.tokenbucket~demo-ingress\"} 42\n"));
        }
        for (String origin : List.of("http://evil.example", base)) { // another site; the right origin without the token
            HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/goflow/api/change"))
                    .header("Origin", origin).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("name=demo-ingress&field=rate&value=1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, post.statusCode(), post.body());
        }
        assertTrue(get("/metrics").body().contains("owner=\"goflow.tokenbucket~demo-ingress\"} 42\n"));
    }
}
