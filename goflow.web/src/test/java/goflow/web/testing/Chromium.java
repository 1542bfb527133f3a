package goflow.web.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real headless Chromium (Debian packages {@code chromium}; {@code .ci/run} installs it when
 * missing) driven over the DevTools protocol from the JDK's WebSocket client: no browser download,
 * no driver library. One page; navigate, evaluate JavaScript, take a screenshot. It talks to
 * 127.0.0.1 only (its own DevTools port and the server of the test). {@link #eval} returns any
 * string (URI-encoded in the page, decoded here). Used by goflow.web's browser tests and, through
 * goflow.web's test jar, by goflow.itest's (the container's dashboard).
 */
public final class Chromium implements AutoCloseable {
    public static final Path BINARY = Path.of(System.getProperty("goflow.chromium", "/usr/bin/chromium"));
    private static final Pattern WS_URL = Pattern.compile("\"webSocketDebuggerUrl\"\\s*:\\s*\"(ws://[^\"]+/page/[^\"]+)\"");
    private static final Pattern ID = Pattern.compile("^\\{\"id\":(\\d+),");

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<String>> pending = new ConcurrentHashMap<>();

    private Chromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** Starts Chromium headless with a fresh profile and connects to its page. */
    public static Chromium start(int width, int height) throws Exception {
        assertTrue(Files.isExecutable(BINARY), BINARY + " is missing: install the Debian packages chromium and"
                + " chromium-driver (.ci/run does)");
        Path profile = Files.createTempDirectory("goflow-chromium");
        ProcessBuilder pb = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--hide-scrollbars", "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--window-size=" + width + "," + height, "about:blank")
                .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile());
        // Chromium's own temporary files (its singleton socket's folder) inside the profile, which close()
        // deletes: the process is killed, so it never removes them itself.
        pb.environment().put("TMPDIR", profile.toString());
        Process p = pb.start();
        try {
            Path portFile = profile.resolve("DevToolsActivePort");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.isRegularFile(portFile) || Files.readAllLines(portFile).isEmpty()) {
                assertTrue(p.isAlive(), () -> "chromium exited: " + log(profile));
                assertTrue(System.nanoTime() < deadline, () -> "chromium opened no DevTools port: " + log(profile));
                TimeUnit.MILLISECONDS.sleep(50);
            }
            int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
            HttpClient http = HttpClient.newHttpClient();
            String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = WS_URL.matcher(list);
            assertTrue(m.find(), () -> "no page target in " + list);
            List<Chromium> self = new ArrayList<>(1);
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(m.group(1)), new WebSocket.Listener() {
                private final StringBuilder text = new StringBuilder();

                @Override
                public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    text.append(data);
                    if (last) {
                        String message = text.toString();
                        text.setLength(0);
                        Matcher id = ID.matcher(message);
                        if (id.find() && !self.isEmpty()) {
                            CompletableFuture<String> f = self.get(0).pending.remove(Integer.parseInt(id.group(1)));
                            if (f != null) {
                                f.complete(message);
                            }
                        }
                    }
                    w.request(1);
                    return null;
                }
            }).get(30, TimeUnit.SECONDS);
            Chromium c = new Chromium(p, profile, ws);
            self.add(c);
            c.call("Emulation.setDeviceMetricsOverride", "{\"width\":" + width + ",\"height\":" + height
                    + ",\"deviceScaleFactor\":1,\"mobile\":false}");
            return c;
        } catch (Exception | Error e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw e;
        }
    }

    private static String log(Path profile) {
        try {
            return Files.readString(profile.resolve("chromium.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Sends a DevTools command and returns its whole answer (a JSON text). */
    public String call(String method, String params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<String> answer = new CompletableFuture<>();
        pending.put(id, answer);
        socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params + "}", true)
                .get(30, TimeUnit.SECONDS);
        String result = answer.get(60, TimeUnit.SECONDS);
        assertTrue(!result.contains("\"error\":{"), () -> method + " failed: " + result);
        return result;
    }

    public void navigate(String url) throws Exception {
        call("Page.navigate", "{\"url\":\"" + url + "\"}");
    }

    /**
     * Evaluates an expression in the page that returns a string (any characters).
     *
     * @return its value, or null when it returned something else or threw
     */
    public String eval(String expression) throws Exception {
        String wrapped = "(function(){try{var v=(" + expression + ");return typeof v==='string'?'s'+encodeURIComponent(v)"
                + ":'n'}catch(e){return 'n'}})()";
        String escaped = wrapped.replace("\\", "\\\\").replace("\"", "\\\"");
        String answer = call("Runtime.evaluate", "{\"expression\":\"" + escaped + "\",\"returnByValue\":true}");
        Matcher m = Pattern.compile("\"value\":\"s([^\"\\\\]*)\"").matcher(answer);
        return m.find() ? java.net.URLDecoder.decode(m.group(1), StandardCharsets.UTF_8) : null;
    }

    /** Polls an expression until it returns a string {@code wanted} accepts (bounded wait). */
    public String await(String expression, java.util.function.Predicate<String> wanted, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = null;
        while (System.nanoTime() < deadline) {
            last = eval(expression);
            if (last != null && wanted.test(last)) {
                return last;
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        throw new AssertionError("the page never showed what was expected; last: " + last + " for " + expression);
    }

    /** Takes a PNG screenshot of the viewport. */
    public byte[] screenshot() throws Exception {
        String answer = call("Page.captureScreenshot", "{\"format\":\"png\"}");
        Matcher m = Pattern.compile("\"data\":\"([A-Za-z0-9+/=]+)\"").matcher(answer);
        assertTrue(m.find(), "no screenshot data");
        return Base64.getDecoder().decode(m.group(1).getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() throws IOException {
        socket.abort();
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
