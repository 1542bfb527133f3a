package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import goflow.api.context.CancellableContext;
import goflow.api.context.CancelledException;
import goflow.api.context.Context;
import goflow.api.stream.StreamSource;

/** The source on its own: no framework, no goflow implementation needed. */
class WordsSourceTest {
    private static final Context CTX = Context.background();

    private static List<String> drain(StreamSource<String> source, int max) throws Exception {
        List<String> out = new ArrayList<>();
        try (StreamSource.Cursor<String> c = source.open(CTX)) {
            while (out.size() < max && c.tryAdvance(CTX, out::add)) {
                // collecting
            }
        }
        return out;
    }

    @Test
    void deliversTheWordsRepeatTimes() throws Exception {
        List<String> words = List.of("a", "b");
        assertEquals(List.of("a", "b"), drain(new WordsSource(WordsSource.NAME, words, 1, Duration.ZERO), 100));
        assertEquals(List.of("a", "b", "a", "b", "a", "b"),
                drain(new WordsSource(WordsSource.NAME, words, 3, Duration.ZERO), 100));
        assertEquals(List.of(), drain(new WordsSource(WordsSource.NAME, List.of(), 0, Duration.ZERO), 100));
    }

    @Test
    void repeatZeroNeverEnds() throws Exception {
        assertEquals(1000, drain(new WordsSource(WordsSource.NAME, List.of("x"), 0, Duration.ZERO), 1000).size());
    }

    @Test
    void eachCursorCountsOnItsOwn() throws Exception {
        WordsSource source = new WordsSource(WordsSource.NAME, List.of("a", "b"), 1, Duration.ZERO);
        assertEquals(drain(source, 100), drain(source, 100));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void theIntervalWaitEndsAtOnceWhenTheStreamIsCancelled() throws Exception {
        CancellableContext ctx = Context.background().withCancel();
        List<String> got = new ArrayList<>();
        try (StreamSource.Cursor<String> c = new WordsSource(WordsSource.NAME, List.of("a"), 0, Duration.ofHours(1))
                .open(ctx)) {
            assertTrue(c.tryAdvance(ctx, got::add)); // the first element does not wait
            ctx.cancel();
            assertThrows(CancelledException.class, () -> c.tryAdvance(ctx, got::add));
        }
        assertEquals(List.of("a"), got);
    }

    /** Created as DS does, from the raw properties and a WordsConfig proxy over them that DS would convert repeat. */
    private static WordsSource fromConfiguration(Map<String, Object> properties) {
        WordsConfig config = (WordsConfig) Proxy.newProxyInstance(WordsConfig.class.getClassLoader(),
                new Class<?>[] {WordsConfig.class}, (proxy, m, args) -> {
                    if (m.getName().equals("repeat") && properties.containsKey("repeat")) {
                        throw new IllegalStateException("DS converted repeat itself (1.5 to 1, NaN to 0)");
                    }
                    return m.getDefaultValue();
                });
        return new WordsSource(config, properties);
    }

    @Test
    void aConfiguredRepeatIsAWholeNumberFromZeroNotWhatDsWouldMakeOfIt() throws Exception {
        for (Object bad : List.of(1.5, Double.NaN, -1L, "yes", "99999999999999999999", true)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> fromConfiguration(Map.of("repeat", bad)), String.valueOf(bad));
            assertEquals("source '" + WordsSource.NAME + "': repeat " + (bad instanceof String ? "'" + bad + "'" : bad)
                    + " must be a whole number from 0", e.getMessage());
        }
        assertEquals(List.of("alpha", "beta", "gamma", "alpha", "beta", "gamma"),
                drain(fromConfiguration(Map.of("repeat", 2L)), 100));
        assertEquals(6, drain(fromConfiguration(Map.of("repeat", " 2")), 100).size(), "a .cfg file's text");
        assertEquals(3, drain(fromConfiguration(Map.of()), 100).size(), "absent: the default, 1");
        assertEquals(6, drain(fromConfiguration(Map.of("Repeat", 2L)), 100).size(), "matched as Configuration Admin does");
    }

    @Test
    void anIntervalGivenAsAListIsRefusedNotCutToItsFirstValue() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> fromConfiguration(Map.of("interval", new String[] {"PT1S", "PT2S"})));
        assertEquals("source '" + WordsSource.NAME + "': interval [PT1S, PT2S] must be one text, not a list of 2",
                e.getMessage());
        assertEquals(3, drain(fromConfiguration(Map.of("interval", List.of(""))), 100).size(), "a list of one is its value");
    }

    @Test
    void invalidValuesAreRejectedNamingTheSourceAndTheValue() {
        IllegalArgumentException repeat = assertThrows(IllegalArgumentException.class,
                () -> new WordsSource("mine", List.of("a"), -1, Duration.ZERO));
        assertEquals("source 'mine': repeat -1 must be 0 or more", repeat.getMessage());
        IllegalArgumentException interval = assertThrows(IllegalArgumentException.class,
                () -> WordsSource.interval("mine", "5s"));
        assertEquals("source 'mine': interval '5s' is not an ISO-8601 duration such as PT0.5S", interval.getMessage());
        assertEquals(Duration.ofMillis(500), WordsSource.interval("mine", "PT0.5S"));
        assertEquals(Duration.ZERO, WordsSource.interval("mine", " "));
    }
}
