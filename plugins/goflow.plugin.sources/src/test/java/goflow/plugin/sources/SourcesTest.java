package goflow.plugin.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.stream.StreamSource;
import goflow.api.testing.ManualClock;

class SourcesTest {
    private static final Context CTX = Context.background();

    private static <T> List<T> drain(StreamSource<T> source, int max) throws Exception {
        List<T> out = new ArrayList<>();
        try (StreamSource.Cursor<T> c = source.open(CTX)) {
            while (out.size() < max && c.tryAdvance(CTX, out::add)) {
                // collecting
            }
        }
        return out;
    }

    @Test
    void counterCountsFromStartAndStopsAfterCount() throws Exception {
        assertEquals(List.of(5L, 6L, 7L), drain(new CounterSource(5, 3, Duration.ZERO), 100));
        assertEquals(10, drain(new CounterSource(1, 0, Duration.ZERO), 10).size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CounterSource(1, -1, Duration.ZERO));
        assertEquals("source 'counter': count -1 must be 0 or more", e.getMessage());
    }

    @Test
    void counterWaitsItsIntervalOnTheContextsClockAndStopsWhenCancelled() throws Exception {
        ManualClock clock = new ManualClock();
        CancellableContext ctx = Context.background(clock).withCancel();
        StreamSource.Cursor<Long> c = new CounterSource(1, 0, Duration.ofSeconds(1)).open(ctx);
        List<Long> got = new ArrayList<>();
        assertTrue(c.tryAdvance(ctx, got::add));
        ctx.cancel();
        assertThrows(CancelledException.class, () -> c.tryAdvance(ctx, got::add));
        assertEquals(List.of(1L), got);
    }

    @Test
    void intervalMustBeAnIsoDuration() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Durations.parse("counter", "interval", "1s"));
        assertEquals("source 'counter': interval '1s' is not an ISO-8601 duration such as PT0.1S", e.getMessage());
        assertEquals(Duration.ZERO, Durations.parse("counter", "interval", " "));
        assertEquals(Duration.ofMillis(100), Durations.parse("counter", "interval", "PT0.1S"));
    }

    @Test
    void linesReadsTheFileAnewForEachCursor(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("in.txt");
        Files.writeString(f, "a\nb\n\nc");
        LinesSource lines = new LinesSource(f, StandardCharsets.UTF_8);
        assertEquals(List.of("a", "b", "", "c"), drain(lines, 100));
        Files.writeString(f, "z");
        assertEquals(List.of("z"), drain(lines, 100));
        Files.delete(f);
        assertThrows(NoSuchFileException.class, () -> lines.open(CTX));
    }

    @Test
    void ordersAreReproducibleAndEveryNthLacksItsId() throws Exception {
        OrdersSource orders = new OrdersSource(5, 42, 3);
        List<String> a = drain(orders, 100);
        assertEquals(a, drain(new OrdersSource(5, 42, 3), 100));
        assertEquals(5, a.size());
        assertTrue(a.get(0).matches("id=1 customer=c\\d\\d amount=\\d+\\.\\d\\d currency=[A-Z]{3}"), a.get(0));
        assertFalse(a.get(2).contains("id="), a.get(2));
        assertTrue(a.get(3).startsWith("id=4 "), a.get(3));
        assertEquals(a.get(1), orders.line(2));
    }
}
