package goflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.http.Cookie;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;

/** The dashboard servlet without a container: what a GET costs the server, and what a change needs. */
class DashboardServletTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlow goflow = new GoFlowImpl(clock, "test");
    private final Sampler sampler = new Sampler(goflow.registry(), Plugins.none(), clock, Duration.ofSeconds(1), 10);
    private final FakeHttp http = new FakeHttp();

    @AfterEach
    void close() {
        goflow.close();
    }

    /** A configuration of PID goflow.web: its defaults, and the properties given. */
    static WebConfig config(Map<String, Object> properties) {
        return (WebConfig) Proxy.newProxyInstance(WebConfig.class.getClassLoader(), new Class<?>[] {WebConfig.class},
                (p, m, args) -> {
                    Object v = properties.get(m.getName().replace('_', '.'));
                    if (v != null && m.getReturnType() == String[].class && !(v instanceof String[])) {
                        return new String[] {String.valueOf(v)}; // as DS converts a scalar to an array
                    }
                    return v != null ? v : m.getDefaultValue();
                });
    }

    static DashboardServlet servlet(Sampler sampler, Map<String, Object> properties) {
        return new DashboardServlet(sampler, config(properties), properties);
    }

    FakeHttp.Response get(DashboardServlet servlet, FakeHttp.Request req) throws Exception {
        FakeHttp.Response resp = new FakeHttp.Response();
        servlet.doGet(req.request(), resp.response());
        return resp;
    }

    FakeHttp.Response post(DashboardServlet servlet, FakeHttp.Request req) throws Exception {
        FakeHttp.Response resp = new FakeHttp.Response();
        servlet.doPost(req.request(), resp.response());
        return resp;
    }

    static String token(String json) {
        Matcher m = Pattern.compile("\"token\":\"([^\"]+)\"").matcher(json);
        assertTrue(m.find(), json);
        return m.group(1);
    }

    /** The cookie a response sets, as the browser sends it back. */
    static Cookie cookie(FakeHttp.Response r) {
        String set = r.headers.get("Set-Cookie");
        String pair = set.substring(0, set.indexOf(';'));
        return new Cookie(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
    }

    FakeHttp.Request change(Cookie[] cookies, String origin, String token) {
        return change("127.0.0.1:8080", cookies, origin, token);
    }

    FakeHttp.Request change(String host, Cookie[] cookies, String origin, String token) {
        FakeHttp.Request req = http.get("/api/change").header("Host", host).header("Origin", origin);
        if (token != null) {
            req.header(Csrf.HEADER, token);
        }
        if (cookies != null) {
            req.cookies.addAll(java.util.List.of(cookies));
        }
        req.parameters.putAll(Map.of("name", "api", "field", "rate", "value", "7"));
        return req;
    }

    /** A plugin's primitive whose stats() does not return until released (a remote call that hangs). */
    private record Hanging(String name, java.util.concurrent.CountDownLatch entered,
            java.util.concurrent.CountDownLatch release) implements goflow.api.Primitive {
        @Override
        public Kind kind() {
            return Kind.CHANNEL;
        }

        @Override
        public goflow.api.inspect.Stats stats() {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new goflow.api.inspect.Stats() {
                @Override
                public Map<String, Object> toMap() {
                    return Map.of("sent", 1L);
                }
            };
        }

        @Override
        public void close() {
        }
    }

    /**
     * While a primitive's stats() does not return, the scrape reading it holds its thread; the
     * next scrapes and page polls wait a bounded time and are answered 503 saying why, instead of
     * each holding one more of the HTTP service's threads for ever.
     */
    @Test
    void aPrimitiveWhoseStatsDoNotReturnHoldsOneThreadAndLaterRequestsAreAnswered503() throws Exception {
        java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        goflow.tokenBucket().name("api").rate(1).burst(1).build();
        goflow.register(new Hanging("remote", entered, release));
        sampler.readWait = Duration.ofMillis(100);
        MetricsServlet metrics = new MetricsServlet(sampler);
        java.util.concurrent.CompletableFuture<FakeHttp.Response> first = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> {
                    FakeHttp.Response r = new FakeHttp.Response();
                    try {
                        metrics.doGet(http.get("/metrics").request(), r.response());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return r;
                });
        try {
            assertTrue(entered.await(30, java.util.concurrent.TimeUnit.SECONDS));
            FakeHttp.Response second = new FakeHttp.Response();
            metrics.doGet(http.get("/metrics").request(), second.response());
            assertEquals(503, second.status);
            assertTrue(second.body().contains("a primitive's stats()"), second.body());
            FakeHttp.Response state = get(servlet(sampler, Map.of()), http.get("/api/state"));
            assertEquals(503, state.status);
        } finally {
            release.countDown();
        }
        FakeHttp.Response done = first.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(200, done.status);
        assertTrue(done.body().contains("goflow_token_bucket_allowed_total{name=\"api\""), done.body());
        FakeHttp.Response after = new FakeHttp.Response();
        metrics.doGet(http.get("/metrics").request(), after.response());
        assertEquals(200, after.status, "the next scrape reads as usual");
    }

    @Test
    void pollingTheStateCreatesNoSessionAndTheTokenWithItsCookieIsWhatAChangeNeeds() throws Exception {
        RateLimiter api = goflow.tokenBucket().name("api").rate(1).burst(5).build();
        sampler.sample();
        DashboardServlet servlet = servlet(sampler, Map.of("controls.enabled", true));
        for (int i = 0; i < 100; i++) { // a scraper, or a flood of clients, without cookies
            FakeHttp.Response r = get(servlet, http.get("/api/state"));
            assertEquals(200, r.status, r.body());
            token(r.body());
        }
        assertEquals(0, http.sessionsCreated.get(), "sessions created by 100 GETs of /api/state");
        assertEquals(200, get(servlet, http.get("/")).status);
        assertEquals(0, http.sessionsCreated.get(), "sessions created by the page");

        FakeHttp.Response page = get(servlet, http.get("/api/state"));
        String set = page.headers.get("Set-Cookie");
        assertTrue(set != null && set.matches(Csrf.COOKIE + "=[A-Za-z0-9_-]{43}; Path=/goflow; HttpOnly;"
                + " SameSite=Strict"), "the state sets its cookie: " + set);
        Cookie[] cookies = {cookie(page)};
        String token = token(page.body());
        FakeHttp.Request again = http.get("/api/state");
        again.cookies.addAll(java.util.List.of(cookies));
        FakeHttp.Response polled = get(servlet, again);
        assertEquals(token, token(polled.body()), "the same cookie, the same token");
        assertTrue(!polled.headers.containsKey("Set-Cookie"), "a cookie is set only when the request has none");

        String origin = "http://127.0.0.1:8080";
        FakeHttp.Response noCookie = post(servlet, change(null, origin, token));
        assertEquals(403, noCookie.status, noCookie.body());
        Cookie other = cookie(get(servlet, http.get("/api/state"))); // another client's cookie
        FakeHttp.Response wrongCookie = post(servlet, change(new Cookie[] {other}, origin, token));
        assertEquals(403, wrongCookie.status, wrongCookie.body());
        FakeHttp.Response noToken = post(servlet, change(cookies, origin, null));
        assertEquals(403, noToken.status, noToken.body());
        assertEquals(1.0, api.rate().eventsPerSecond(), "nothing changed");
        FakeHttp.Response ok = post(servlet, change(cookies, origin, token));
        assertEquals(200, ok.status, ok.body());
        assertEquals("api rate: 1.0 -> 7.0\n", ok.body());
        assertEquals(0, http.sessionsCreated.get(), "sessions created");
    }

    /** The cookie and token a browser gets from the state of {@code servlet}. */
    private Cookie[] browser(DashboardServlet servlet, String[] token) throws Exception {
        FakeHttp.Response page = get(servlet, http.get("/api/state"));
        token[0] = token(page.body());
        return new Cookie[] {cookie(page)};
    }

    @Test
    void behindATlsProxyTheConfiguredOriginMayChangeAndForwardedHeadersAreNotTrusted() throws Exception {
        RateLimiter api = goflow.tokenBucket().name("api").rate(1).burst(5).build();
        String[] token = new String[1];
        // today's behaviour: the proxy sends http to the servlet, the browser's Origin is https
        DashboardServlet plain = servlet(sampler, Map.of("controls.enabled", true));
        Cookie[] cookies = browser(plain, token);
        FakeHttp.Response refused = post(plain, change("dash.example.com", cookies, "https://dash.example.com", token[0])
                .header("X-Forwarded-Proto", "https").header("Forwarded", "proto=https"));
        assertEquals(403, refused.status, refused.body());
        assertTrue(refused.body().contains("cross-origin request refused (Origin https://dash.example.com is not"
                + " http://dash.example.com)"), refused.body());

        DashboardServlet proxied = servlet(sampler, Map.of("controls.enabled", true, "controls.origins",
                new String[] {"https://dash.example.com", "https://ops.example.com:8443"}));
        cookies = browser(proxied, token);
        FakeHttp.Response ok = post(proxied, change("dash.example.com", cookies, "https://dash.example.com", token[0]));
        assertEquals(200, ok.status, ok.body());
        assertEquals(7.0, api.rate().eventsPerSecond());
        FakeHttp.Response other = post(proxied, change("ops.example.com:8443", cookies, "https://ops.example.com:8443",
                token[0]));
        assertEquals(200, other.status, other.body());
        // only the origins listed: not the address the request was sent to, whatever the headers say
        for (String origin : java.util.List.of("http://dash.example.com", "https://evil.example", "null")) {
            FakeHttp.Response no = post(proxied, change("dash.example.com", cookies, origin, token[0]));
            assertEquals(403, no.status, origin + ": " + no.body());
            assertTrue(no.body().contains("is not one of controls.origins [https://dash.example.com,"
                    + " https://ops.example.com:8443]"), no.body());
        }
    }

    @Test
    void aMalformedOriginIsRefusedNamingThePropertyTheValueAndTheRule() throws Exception {
        java.util.List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(ConfigDefaults.class.getName());
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                log.add(r.getLevel() + " " + r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        logger.setUseParentHandlers(false);
        try {
            goflow.tokenBucket().name("api").rate(1).burst(5).build();
            String[] token = new String[1];
            DashboardServlet some = servlet(sampler, Map.of("controls.enabled", true, "controls.origins", new String[] {
                "dash.example.com", "https://dash.example.com/goflow", "ftp://dash.example.com", "https://ok.example"}));
            for (String bad : java.util.List.of("dash.example.com", "https://dash.example.com/goflow",
                    "ftp://dash.example.com")) {
                assertTrue(log.stream().anyMatch(l -> l.startsWith("SEVERE goflow: configuration goflow.web: property"
                        + " 'controls.origins' = " + bad + " must be an origin: http:// or https://, a host and an"
                        + " optional port, nothing after it")), () -> bad + " not logged: " + log);
            }
            assertEquals(3, log.size(), log::toString);
            Cookie[] cookies = browser(some, token);
            assertEquals(200, post(some, change("ok.example", cookies, "https://ok.example", token[0])).status);
            assertEquals(403, post(some, change("dash.example.com", cookies, "https://dash.example.com", token[0]))
                    .status);

            log.clear();
            DashboardServlet none = servlet(sampler, Map.of("controls.enabled", true, "controls.origins", 5));
            assertEquals(1, log.size(), log::toString);
            assertTrue(log.get(0).contains("property 'controls.origins' = 5 must be an origin")
                    && log.get(0).contains("no origin is left: changes are accepted from the address each request was"
                    + " sent to"), log::toString);
            cookies = browser(none, token);
            assertEquals(200, post(none, change(cookies, "http://127.0.0.1:8080", token[0])).status);
        } finally {
            logger.removeHandler(capture);
            logger.setUseParentHandlers(true);
        }
    }

    /**
     * A form (or a query string) that gives a field twice is ambiguous: the servlet read the first
     * value and changed the primitive to it, whatever the second said. It is refused naming the
     * field, its values and the rule, and nothing changes.
     */
    @Test
    void aFieldGivenTwiceIsRefusedNamingItsValuesAndNothingChanges() throws Exception {
        RateLimiter api = goflow.tokenBucket().name("api").rate(1).burst(5).build();
        goflow.tokenBucket().name("other").rate(1).burst(5).build();
        DashboardServlet servlet = servlet(sampler, Map.of("controls.enabled", true));
        String[] token = new String[1];
        Cookie[] cookies = browser(servlet, token);
        String origin = "http://127.0.0.1:8080";
        FakeHttp.Response twice = post(servlet, change(cookies, origin, token[0]).repeat("value", "1000000"));
        assertEquals(400, twice.status, twice.body());
        assertEquals("invalid value given 2 times ('7', '1000000'): each of the form fields name, field and value"
                + " must be given once\n", twice.body());
        FakeHttp.Response names = post(servlet, change(cookies, origin, token[0]).repeat("name", "other"));
        assertEquals(400, names.status, names.body());
        assertTrue(names.body().startsWith("invalid name given 2 times ('api', 'other')"), names.body());
        assertEquals(1.0, api.rate().eventsPerSecond(), "nothing changed");
        assertEquals(200, post(servlet, change(cookies, origin, token[0])).status);
        assertEquals(7.0, api.rate().eventsPerSecond());
    }

    /**
     * A method an endpoint does not take is 405 with the methods it takes ({@code Allow}), not 404
     * "no such page" for an endpoint that exists; an unknown path stays 404; nothing changes.
     */
    @Test
    void aMethodTheEndpointDoesNotTakeIs405NamingTheMethodsItTakes() throws Exception {
        RateLimiter api = goflow.tokenBucket().name("api").rate(1).burst(5).build();
        DashboardServlet servlet = servlet(sampler, Map.of("controls.enabled", true));
        FakeHttp.Request getChange = http.get("/api/change");
        getChange.parameters.putAll(Map.of("name", "api", "field", "rate", "value", "7"));
        FakeHttp.Response got = get(servlet, getChange);
        assertEquals(405, got.status, got.body());
        assertEquals("POST", got.headers.get("Allow"));
        assertEquals("GET /goflow/api/change refused: it takes POST only\n", got.body());
        for (String path : java.util.List.of("/api/state", "/", "/app.js")) {
            FakeHttp.Response posted = post(servlet, http.get(path).header("Host", "127.0.0.1:8080"));
            assertEquals(405, posted.status, path + ": " + posted.body());
            assertEquals("GET, HEAD", posted.headers.get("Allow"), path);
            assertEquals("POST /goflow" + path + " refused: it takes GET only\n", posted.body());
        }
        assertEquals(404, post(servlet, http.get("/api/nope")).status);
        assertEquals(404, get(servlet, http.get("/api/nope")).status);
        assertEquals(1.0, api.rate().eventsPerSecond(), "nothing changed");
    }

    /**
     * A change sent as JSON or multipart is not read (only a form's fields are parameters): it was
     * refused 400 "missing name, field, value", as if the client had left them out. It is 415 naming
     * the type sent and the one taken; a form, with or without a charset, is taken; nothing changes.
     */
    @Test
    void aChangeThatIsNotAFormIs415NamingTheTypeSentAndTheOneTaken() throws Exception {
        RateLimiter api = goflow.tokenBucket().name("api").rate(1).burst(5).build();
        DashboardServlet servlet = servlet(sampler, Map.of("controls.enabled", true));
        String[] token = new String[1];
        Cookie[] cookies = browser(servlet, token);
        String origin = "http://127.0.0.1:8080";
        for (String type : java.util.List.of("application/json", "multipart/form-data; boundary=x", "text/plain")) {
            FakeHttp.Request req = change(cookies, origin, token[0]).header("Content-Type", type);
            req.parameters.clear(); // as the container gives them: a body that is not a form has none
            FakeHttp.Response r = post(servlet, req);
            assertEquals(415, r.status, type + ": " + r.body());
            assertEquals("Content-Type " + type + " refused: a change is a form, application/x-www-form-urlencoded,"
                    + " with the fields name, field and value\n", r.body());
        }
        assertEquals(1.0, api.rate().eventsPerSecond(), "nothing changed");
        FakeHttp.Response form = post(servlet, change(cookies, origin, token[0]).header("Content-Type",
                "Application/X-WWW-Form-Urlencoded;charset=UTF-8"));
        assertEquals(200, form.status, form.body());
        assertEquals(7.0, api.rate().eventsPerSecond());
    }
}
