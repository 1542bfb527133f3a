package goflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.DoubleAdder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.GoFlow;
import goflow.api.Primitive;
import goflow.api.pool.WorkerPool;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.web.testing.Chromium;

/** The page in a real headless Chromium: hostile names, odd figures, controls that come and go. */
class DashboardBrowserEdgeReviewTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** What the page must show as text and never run. */
    private static final String OWNER = "own<img src=x onerror=window.__xss=1>'\"\\</script>\u2028end";
    private final ManualClock clock = new ManualClock();
    private final GoFlow goflow = new GoFlowImpl(clock, OWNER);
    private final Sampler sampler = new Sampler(goflow.registry(), Plugins.none(), clock, Duration.ofSeconds(1), 10);

    @AfterEach
    void close() {
        goflow.close();
    }

    @Test
    void hostileNamesAreShownAsTextAndNeverRun() throws Exception {
        List<String> names = List.of("<img/src/onerror>", "</script><script>window.__xss++</script>",
                "a'b\\c</b>&amp;", "<b>bold</b>");
        for (String n : names) {
            goflow.tokenBucket().name(n).rate(1).burst(1).build();
        }
        goflow.register(new PluginPrimitive("p<i>", Primitive.Kind.PIPELINE, Map.of("executions", 1L,
                "stage.<img src=x onerror=window.__xss=4>.count", 1L))); // a plugin's stage names are not checked
        DoubleAdder nan = new DoubleAdder();
        nan.add(Double.NaN);
        goflow.register(new PluginPrimitive("nan", Primitive.Kind.CHANNEL, Map.of("load", nan, "<img/src=x/onerror=window"
                + ".__xss=5>", "<img/src=x/onerror=window.__xss=6>")));
        sampler.sample();
        try (ServletServer server = new ServletServer(DashboardServletTest.servlet(sampler, Map.of()));
                Chromium browser = Chromium.start(1200, 900)) {
            browser.navigate(server.base() + "/goflow");
            browser.await("document.getElementById('status').textContent", s -> s.startsWith("6 primitives"), WAIT);
            String shown = browser.eval("Array.from(document.querySelectorAll('.card h3')).map(h => h.firstChild"
                    + ".textContent).sort().join('|')");
            for (String n : names) {
                assertTrue(shown.contains(n), () -> n + " not shown as text in " + shown);
            }
            assertTrue(browser.eval("Array.from(document.querySelectorAll('.card .sub')).map(s => s.textContent)"
                    + ".join('|')").contains(OWNER), "the owner shown as text");
            assertTrue(browser.eval("document.querySelector('.stages').textContent").contains(
                    "<img src=x onerror=window.__xss=4>"));
            assertEquals("0", browser.eval("String(document.querySelectorAll('main img, main i, main svg svg, main script,"
                    + " main b:not([data-chart])').length)"));
            assertNull(browser.eval("window.__xss === undefined ? null : String(window.__xss)"),
                    "a name's markup ran");
        }
    }

    @Test
    void theFormsFollowTheControlsTheServerTakesWithoutAReload() throws Exception {
        goflow.tokenBucket().name("api").rate(1).burst(1).build();
        WorkerPool io = goflow.workerPool().name("io").workers(1).build();
        String forms = "Array.from(document.querySelectorAll('.card')).map(c => c.dataset.name + ':' + Array.from("
                + "c.querySelectorAll('form input')).map(i => i.name).join('+')).sort().join(' ')";
        try (ServletServer server = new ServletServer(DashboardServletTest.servlet(sampler, Map.of()));
                Chromium browser = Chromium.start(1200, 900)) {
            browser.navigate(server.base() + "/goflow");
            browser.await(forms, s -> s.equals("api: io:"), WAIT);
            // a configuration change enables live changes: the servlet is replaced, the page keeps polling
            server.replace(DashboardServletTest.servlet(sampler, Map.of("controls.enabled", true)));
            browser.await(forms, s -> s.equals("api:rate+burst io:workers"), WAIT);
            // the pool is replaced by a token bucket of the same name and owner between two polls
            io.shutdown().join();
            goflow.tokenBucket().name("io").rate(5).burst(5).build();
            browser.await(forms, s -> s.equals("api:rate+burst io:rate+burst"), WAIT);
            // and live changes are disabled again
            server.replace(DashboardServletTest.servlet(sampler, Map.of()));
            browser.await(forms, s -> s.equals("api: io:"), WAIT);
        }
    }

    @Test
    void underAContextPathThePageLoadsPollsAndChanges() throws Exception {
        goflow.tokenBucket().name("api").rate(1).burst(1).build();
        try (ServletServer server = new ServletServer(DashboardServletTest.servlet(sampler, Map.of("controls.enabled",
                true)), "/ops");
                Chromium browser = Chromium.start(1200, 900)) {
            browser.navigate(server.base() + "/ops/goflow"); // redirected to /ops/goflow/
            browser.await("document.getElementById('status').textContent", s -> s.startsWith("1 primitives"), WAIT);
            assertEquals(server.base() + "/ops/goflow/", browser.eval("location.href"));
            assertEquals(server.base() + "/ops/metrics", browser.eval("document.querySelector('nav a').href"));
            browser.eval("(document.querySelector('[data-name=api] input[name=rate]').value = '7',"
                    + " document.querySelector('[data-name=api] form').requestSubmit(), '')");
            String said = browser.await("(document.querySelector('[data-name=api] .msg') || {}).textContent || ''",
                    s -> !s.isEmpty(), WAIT);
            assertTrue(said.contains("rate"), said);
            assertEquals(7.0, goflow.registry().find("api", goflow.api.ratelimit.RateLimiter.class).orElseThrow()
                    .rate().eventsPerSecond(), said);
        }
    }

    @Test
    void hundredsOfPrimitivesAreUpdatedInPlaceAtEveryPoll() throws Exception {
        List<goflow.api.ratelimit.RateLimiter> buckets = new java.util.ArrayList<>();
        for (int i = 0; i < 600; i++) {
            buckets.add(goflow.tokenBucket().name("b" + i).rate(1000).burst(1000).build());
        }
        for (int i = 0; i < 3; i++) {
            sampler.sample();
            clock.advance(Duration.ofSeconds(1));
        }
        java.util.concurrent.atomic.AtomicBoolean traffic = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread load = new Thread(() -> { // every bucket admits more at every sample: every chart and figure changes
            for (int round = 1; traffic.get(); round++) {
                for (goflow.api.ratelimit.RateLimiter b : buckets) {
                    b.allow(round % 7 + 1);
                }
                clock.advance(Duration.ofSeconds(1));
                sampler.sample();
                java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
            }
        }, "test-traffic");
        load.start();
        try (ServletServer server = new ServletServer(DashboardServletTest.servlet(sampler, Map.of()));
                Chromium browser = Chromium.start(1200, 900)) {
            browser.navigate(server.base() + "/goflow");
            browser.await("document.getElementById('status').textContent", s -> s.startsWith("600 primitives"), WAIT);
            String allowed = "(document.querySelector('[data-primitive=b599][data-figure=allowed]') || {}).textContent";
            String first = browser.await(allowed, s -> s.matches("\\d+"), WAIT);
            browser.eval("(window.__added = 0, window.__polls = 0, new MutationObserver(function (ms) { ms.forEach("
                    + "function (m) { m.addedNodes.forEach(function (n) { window.__added += n.nodeType === 1 ? 1 : 0; }); }); }).observe(document.querySelector("
                    + "'main'), {childList: true, subtree: true}), new MutationObserver(function () { window.__polls++; })"
                    + ".observe(document.getElementById('status'), {attributes: true}), '')");
            browser.await("String(window.__polls)", s -> Integer.parseInt(s) >= 4, WAIT);
            String later = browser.await(allowed, s -> s.matches("\\d+") && Long.parseLong(s) > Long.parseLong(first),
                    WAIT);
            assertTrue(Long.parseLong(later) > Long.parseLong(first));
            // rebuilding each card at every poll added 600 subtrees a poll and held the page's thread for
            // seconds (1000 cards: 1.5 to 2.5 s a poll here); updated in place, a poll adds a line at most
            String added = browser.eval("String(window.__added)");
            assertTrue(Integer.parseInt(added) < 600, () -> added + " elements added to the cards in 4 polls or more");
            assertEquals("", browser.eval("Array.from(document.querySelectorAll('[data-name=b0] [data-chart]'))"
                    .concat(".filter(b => !/^\\d+$/.test(b.textContent)).map(b => b.textContent).join(',')")));
        } finally {
            traffic.set(false);
            load.join(30_000);
        }
    }
}
