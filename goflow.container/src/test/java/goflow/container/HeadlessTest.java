package goflow.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/** The container without a shell ({@link Headless}): its switch, its signal logic and what it does to the console. */
class HeadlessTest {

    @Test
    void theSwitchIsTrueOrFalseAndAnythingElseIsRefusedNamingThePropertyTheValueAndTheRule() {
        for (String off : new String[] {null, "", " ", "false", "FALSE"}) {
            assertFalse(Headless.enabled(off), String.valueOf(off));
        }
        assertTrue(Headless.enabled("true"));
        assertTrue(Headless.enabled(" True "));
        for (String bad : List.of("yes", "1", "on", "ture")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Headless.enabled(bad));
            assertEquals("goflow.container: property goflow.headless = '" + bad + "' must be true or false (default false)",
                    e.getMessage());
        }
    }

    @Test
    void theFirstSignalStopsTheFrameworkAndALaterOneExitsAtOnceAsTheJvmWould() {
        AtomicInteger stops = new AtomicInteger();
        List<Integer> exits = new ArrayList<>();
        Headless headless = new Headless(stops::incrementAndGet, exits::add);
        headless.signal("TERM", 15);
        assertEquals(1, stops.get());
        assertEquals(List.of(), exits, "the framework stops and the launcher exits 0");
        headless.signal("INT", 2);
        headless.signal("TERM", 15);
        assertEquals(1, stops.get(), "stopped once");
        assertEquals(List.of(130, 143), exits);
    }

    @Test
    void aTrapReceivesItsSignalWithNameAndNumberUntilClosed() throws Exception {
        List<String> got = new CopyOnWriteArrayList<>();
        Headless.Trap trap = Headless.Trap.install("WINCH", (name, number) -> got.add(name + " " + number));
        try {
            trap.raise();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (got.isEmpty() && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(10);
            }
        } finally {
            trap.close();
        }
        assertEquals(List.of("WINCH 28"), got);
    }

    @Test
    void startingStopsTheConsoleBundleSoTheFrameworkNeverStartsItAndTrapsTermAndInt() throws Exception {
        List<String> stopped = new ArrayList<>();
        Bundle console = bundle(ConsoleTerminal.GOGO_JLINE, stopped);
        Bundle runtime = bundle(ConsoleTerminal.GOGO_RUNTIME, stopped);
        Bundle framework = bundle("org.apache.felix.framework", stopped);
        BundleContext context = (BundleContext) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {BundleContext.class}, (p, m, a) -> switch (m.getName()) {
                    case "getBundles" -> new Bundle[] {framework, runtime, console};
                    case "getBundle" -> framework;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        Headless headless = Headless.start(context);
        try {
            assertEquals(List.of(ConsoleTerminal.GOGO_JLINE), stopped, "only the console, persistently");
            assertEquals(Headless.SIGNALS.size(), headless.trapped(), "SIGTERM and SIGINT are trapped");
        } finally {
            headless.close();
        }
        assertEquals(0, headless.trapped());
    }

    private static Bundle bundle(String bsn, List<String> stopped) {
        return (Bundle) Proxy.newProxyInstance(HeadlessTest.class.getClassLoader(), new Class<?>[] {Bundle.class},
                (p, m, a) -> switch (m.getName()) {
                    case "getSymbolicName" -> bsn;
                    case "stop" -> {
                        assertTrue(a == null || a.length == 0, "stop() without options: persistent");
                        stopped.add(bsn);
                        yield null;
                    }
                    case "hashCode" -> bsn.hashCode();
                    case "equals" -> p == a[0];
                    case "toString" -> bsn;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }
}
