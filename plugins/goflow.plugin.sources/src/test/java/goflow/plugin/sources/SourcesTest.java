package goflow.plugin.sources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;
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

    /** Counting up past Long.MAX_VALUE used to wrap around to Long.MIN_VALUE, going on from there. */
    @Test
    void counterDoesNotWrapAroundPastTheLargestLong() throws Exception {
        long max = Long.MAX_VALUE;
        assertEquals(List.of(max - 1, max), drain(new CounterSource(max - 1, 2, Duration.ZERO), 100));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CounterSource(max - 1, 3, Duration.ZERO));
        assertEquals("source 'counter': start 9223372036854775806 and count 3 go past the largest number "
                + "9223372036854775807", e.getMessage());
        List<Long> got = new ArrayList<>();
        try (StreamSource.Cursor<Long> c = new CounterSource(max - 1, 0, Duration.ZERO).open(CTX)) {
            assertTrue(c.tryAdvance(CTX, got::add));
            assertTrue(c.tryAdvance(CTX, got::add));
            ArithmeticException past = assertThrows(ArithmeticException.class, () -> c.tryAdvance(CTX, got::add));
            assertEquals("source 'counter': counted up to the largest number 9223372036854775807; there is no next one",
                    past.getMessage());
        }
        assertEquals(List.of(max - 1, max), got);
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

    /** Drains a cursor into {@code out} until it ends or fails; returns the failure, or null. */
    private static Exception drainUntilFailure(StreamSource<String> source, List<String> out) throws Exception {
        try (StreamSource.Cursor<String> c = source.open(CTX)) {
            while (c.tryAdvance(CTX, out::add)) {
                // collecting
            }
            return null;
        } catch (IOException e) {
            return e;
        }
    }

    @Test
    void aLineLongerThanMaxLineLengthFailsNamingTheFileTheLineAndTheLimit(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("in.txt");
        String atLimit = "x".repeat(16);
        String accents = "\u00e9".repeat(16); // 32 bytes in UTF-8: the limit counts characters
        Files.writeString(f, "short\r\n" + atLimit + "\r" + accents + "\n\n" + "y".repeat(17) + "\nnever\n");
        List<String> got = new ArrayList<>();
        Exception e = drainUntilFailure(new LinesSource(f, StandardCharsets.UTF_8, 16), got);
        assertEquals(List.of("short", atLimit, accents, ""), got, "the lines before the long one are delivered");
        assertEquals("source 'lines': line 5 of " + f.toAbsolutePath() + " is longer than maxLineLength 16 characters",
                e == null ? "no failure" : e.getMessage());

        Files.writeString(f, "a\n" + atLimit); // the last line, at the limit, without a line end
        got.clear();
        assertEquals(null, drainUntilFailure(new LinesSource(f, StandardCharsets.UTF_8, 16), got));
        assertEquals(List.of("a", atLimit), got);

        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> new LinesSource(f, StandardCharsets.UTF_8, 0));
        assertEquals("source 'lines': maxLineLength 0 must be a whole number from 1 to 2147483647", bad.getMessage());
    }

    /**
     * Bytes that are not in the charset fail the stream naming the file, the line, the charset and
     * the byte offset, after the lines before them (a decoding reader failed at once, with only
     * "Input length = 1", and lost the lines read with the bad bytes).
     */
    @Test
    void bytesThatAreNotInTheCharsetFailNamingTheFileTheLineAndTheOffsetAfterTheLinesBefore(@TempDir Path dir)
            throws Exception {
        Path f = dir.resolve("in.txt");
        byte[] euro = "\u20ac".getBytes(StandardCharsets.UTF_8);
        Files.write(f, concat("ok\r\n\u00e9\n\nbad ".getBytes(StandardCharsets.UTF_8), new byte[] {(byte) 0xFF},
                " here\nafter\n".getBytes(StandardCharsets.UTF_8)));
        List<String> got = new ArrayList<>();
        Exception e = drainUntilFailure(new LinesSource(f, StandardCharsets.UTF_8), got);
        assertEquals(List.of("ok", "\u00e9", ""), got, "the lines before the bad bytes are delivered");
        assertEquals("source 'lines': line 4 of " + f.toAbsolutePath() + " is not UTF-8: 1 malformed byte at byte "
                + "offset 12", e == null ? "no failure" : e.getMessage());

        Files.write(f, concat("a\n".getBytes(StandardCharsets.UTF_8), Arrays.copyOf(euro, 2))); // cut in the middle
        got.clear();
        e = drainUntilFailure(new LinesSource(f, StandardCharsets.UTF_8), got);
        assertEquals(List.of("a"), got);
        assertEquals("source 'lines': line 2 of " + f.toAbsolutePath() + " is not UTF-8: 2 malformed bytes at byte "
                + "offset 2", e == null ? "no failure" : e.getMessage());

        Files.writeString(f, "caf\u00e9\n", StandardCharsets.UTF_8); // read as US-ASCII
        got.clear();
        e = drainUntilFailure(new LinesSource(f, StandardCharsets.US_ASCII), got);
        assertEquals(List.of(), got);
        assertEquals("source 'lines': line 1 of " + f.toAbsolutePath() + " is not US-ASCII: 1 malformed byte at "
                + "byte offset 3", e == null ? "no failure" : e.getMessage());

        // many lines and a multi-byte character across every buffer boundary decode as before
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            text.append(i).append('\u20ac').append(i % 3 == 0 ? "\r\n" : "\n");
        }
        Files.writeString(f, text, StandardCharsets.UTF_8);
        got.clear();
        assertEquals(null, drainUntilFailure(new LinesSource(f, StandardCharsets.UTF_8), got));
        assertEquals(5000, got.size());
        for (int i = 0; i < 5000; i++) {
            assertEquals(i + "\u20ac", got.get(i));
        }
    }

    /**
     * A byte order mark, as editors on Windows write at the start of a UTF-8 file, is not part of
     * the first line: kept, it made the first key of "id=1 ..." the invisible "\uFEFFid".
     */
    @Test
    void aByteOrderMarkAtTheStartOfTheFileIsNotPartOfTheFirstLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("in.txt");
        Files.writeString(f, "\uFEFFid=1\n\uFEFFid=2\n", StandardCharsets.UTF_8);
        assertEquals(List.of("id=1", "\uFEFFid=2"), drain(new LinesSource(f, StandardCharsets.UTF_8), 100),
                "only the first character of the file is a byte order mark");
        Files.writeString(f, "\uFEFFa\r\nb", StandardCharsets.UTF_16LE);
        assertEquals(List.of("a", "b"), drain(new LinesSource(f, StandardCharsets.UTF_16LE), 100));
        Files.writeString(f, "\uFEFF", StandardCharsets.UTF_8);
        assertEquals(List.of(), drain(new LinesSource(f, StandardCharsets.UTF_8), 100), "a file of only a BOM");
        Files.writeString(f, "\uFEFF\n\n", StandardCharsets.UTF_8);
        assertEquals(List.of("", ""), drain(new LinesSource(f, StandardCharsets.UTF_8), 100));
        Files.writeString(f, "\uFEFF" + "x".repeat(4), StandardCharsets.UTF_8);
        assertEquals(List.of("xxxx"), drain(new LinesSource(f, StandardCharsets.UTF_8, 4), 100),
                "the mark does not count towards maxLineLength");
    }

    @Test
    void aDirectoryFailsTheOpenNamingIt(@TempDir Path dir) throws Exception {
        LinesSource lines = new LinesSource(dir, StandardCharsets.UTF_8);
        java.nio.file.FileSystemException e = assertThrows(java.nio.file.FileSystemException.class,
                () -> drain(lines, 100));
        assertEquals(dir.toAbsolutePath() + ": source 'lines' reads a file, not a directory", e.getMessage());
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /**
     * A file of 32 Mi characters without a line end, after a line of exactly the default limit:
     * the first line is delivered, the second fails at the default limit, and reading takes a
     * bounded amount of memory (reading the whole line as characters would allocate 64 MiB).
     */
    @Test
    void aFileWithoutLineEndsFailsAtTheDefaultLimitWithoutReadingTheWholeLine(@TempDir Path dir) throws Exception {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "allocation counter not available");
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) bean;
        Path f = dir.resolve("huge.txt");
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(f)) {
            Arrays.fill(chunk, (byte) 'a');
            out.write(chunk);
            out.write('\n');
            Arrays.fill(chunk, (byte) 'b');
            for (int i = 0; i < 32; i++) {
                out.write(chunk);
            }
        }
        long tid = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(tid);
        List<String> got = new ArrayList<>();
        Exception e = drainUntilFailure(new LinesSource(f, StandardCharsets.UTF_8), got);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertEquals(1, got.size());
        assertEquals(LinesSource.DEFAULT_MAX_LINE_LENGTH, got.get(0).length(), "a line at the default limit is read");
        assertEquals("source 'lines': line 2 of " + f.toAbsolutePath() + " is longer than maxLineLength 1048576 "
                + "characters", e == null ? "no failure" : e.getMessage());
        assertTrue(allocated < 16L << 20, "allocated " + allocated + " bytes");
    }

    /** A LinesConfig as DS hands it over, except that maxLineLength must be read from the raw properties. */
    private static LinesConfig linesConfig(String name, Path path) {
        return (LinesConfig) Proxy.newProxyInstance(LinesConfig.class.getClassLoader(),
                new Class<?>[] {LinesConfig.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "goflow_source_name" -> name;
                    case "path" -> path.toString();
                    case "maxLineLength" -> throw new IllegalStateException("DS could not convert the value");
                    default -> m.getDefaultValue();
                });
    }

    /**
     * {@code charset = ISO-8859-1 } with the trailing space a .cfg line keeps used to fail the
     * activation with "charset 'ISO-8859-1 ' is not supported", where every other text value of
     * the plugins (numbers, flags, durations) is read without its surrounding white space.
     */
    @Test
    void theCharsetIsReadWithoutSurroundingWhiteSpace(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("latin1.txt");
        Files.write(f, "caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        LinesConfig latin1 = (LinesConfig) Proxy.newProxyInstance(LinesConfig.class.getClassLoader(),
                new Class<?>[] {LinesConfig.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "goflow_source_name" -> "logs";
                    case "path" -> f.toString();
                    case "charset" -> " ISO-8859-1 ";
                    default -> m.getDefaultValue();
                });
        assertEquals(List.of("caf\u00e9"), drain(new LinesSource(latin1, Map.of()), 100));
        LinesConfig unknown = (LinesConfig) Proxy.newProxyInstance(LinesConfig.class.getClassLoader(),
                new Class<?>[] {LinesConfig.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "goflow_source_name" -> "logs";
                    case "charset" -> "latin-9x";
                    default -> m.getDefaultValue();
                });
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LinesSource(unknown, Map.of()));
        assertEquals("source 'logs': charset 'latin-9x' is not supported", e.getMessage());
    }

    @Test
    void maxLineLengthIsAWholeNumberFromOneAndAnyOtherValueIsNamedWithTheRule(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("in.txt");
        Files.writeString(f, "abcd\nabcde\n");
        LinesConfig config = linesConfig("logs", f);
        String rule = " must be a whole number from 1 to 2147483647";
        Map<Object, String> shown = new java.util.LinkedHashMap<>();
        shown.put(0, "0");
        shown.put(-1, "-1");
        shown.put("abc", "'abc'");
        shown.put("1.5", "'1.5'");
        shown.put("", "''");
        shown.put("2147483648", "'2147483648'");
        shown.put(3_000_000_000L, "3000000000");
        shown.put(1.5, "1.5");
        shown.put(Double.NaN, "NaN");
        shown.put(true, "true");
        shown.put(new int[] {4}, "[4]");
        for (Map.Entry<Object, String> bad : shown.entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new LinesSource(config, Map.of("maxLineLength", bad.getKey())), bad.getValue());
            assertEquals("source 'logs': maxLineLength " + bad.getValue() + rule, e.getMessage());
        }
        for (Object four : List.of(4, 4L, " 4", 4.0, "+4")) {
            List<String> got = new ArrayList<>();
            Exception e = drainUntilFailure(new LinesSource(config, Map.of("MAXLINELENGTH", four)), got);
            assertEquals(List.of("abcd"), got, String.valueOf(four));
            assertEquals("source 'logs': line 2 of " + f.toAbsolutePath() + " is longer than maxLineLength 4 characters",
                    e == null ? "no failure" : e.getMessage());
        }
        assertEquals(List.of("abcd", "abcde"), drain(new LinesSource(config, Map.of()), 100), "absent: the default");
    }

    /** A configuration as DS hands it over, except that the numbers must be read from the raw properties. */
    @SuppressWarnings("unchecked")
    private static <A> A config(Class<A> type, String name, String... fromRaw) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            if (m.getName().equals("goflow_source_name")) {
                return name;
            }
            if (List.of(fromRaw).contains(m.getName())) {
                throw new IllegalStateException("DS converted " + m.getName() + " itself (1.5 to 1, NaN to 0)");
            }
            return m.getDefaultValue();
        });
    }

    /**
     * DS converts 1.5 to 1, NaN to 0 (a counter without end) and 4294967313L to the int 17 without
     * a word; the numbers of counter and orders are read from the raw properties as maxLineLength is.
     */
    @Test
    void counterAndOrdersNumbersAreWholeNumbersInRangeAndAnyOtherValueIsNamedWithTheRule() throws Exception {
        CounterConfig counter = config(CounterConfig.class, "ticks", "start", "count");
        String longs = " must be a whole number from 0 to 9223372036854775807";
        Map<Object, String> shown = new java.util.LinkedHashMap<>();
        shown.put(1.5, "1.5");
        shown.put(Double.NaN, "NaN");
        shown.put(-1, "-1");
        shown.put("yes", "'yes'");
        shown.put("9223372036854775808", "'9223372036854775808'");
        shown.put(1e30, "1.0E30");
        for (Map.Entry<Object, String> bad : shown.entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new CounterSource(counter, Map.of("count", bad.getKey())), bad.getValue());
            assertEquals("source 'ticks': count " + bad.getValue() + longs, e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CounterSource(counter, Map.of("start", 0.5)));
        assertEquals("source 'ticks': start 0.5 must be a whole number from -9223372036854775808 to "
                + "9223372036854775807", e.getMessage());
        assertEquals(List.of(-2L, -1L, 0L), drain(new CounterSource(counter, Map.of("START", "-2", "Count", "3 ")), 100));
        assertEquals(List.of(1L, 2L), drain(new CounterSource(counter, Map.of("count", 2.0)), 100));
        assertEquals(5, drain(new CounterSource(counter, Map.of()), 5).size(), "absent: the defaults");

        OrdersConfig orders = config(OrdersConfig.class, "shop", "count", "seed", "invalidEvery");
        e = assertThrows(IllegalArgumentException.class,
                () -> new OrdersSource(orders, Map.of("invalidEvery", 4_294_967_313L)));
        assertEquals("source 'shop': invalidEvery 4294967313 must be a whole number from 0 to 2147483647",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new OrdersSource(orders, Map.of("count", Double.NaN)));
        assertEquals("source 'shop': count NaN" + longs, e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new OrdersSource(orders, Map.of("seed", "42L")));
        assertEquals("source 'shop': seed '42L' must be a whole number from -9223372036854775808 to "
                + "9223372036854775807", e.getMessage());
        assertEquals(drain(new OrdersSource(3, 7, 2), 100),
                drain(new OrdersSource(orders, Map.of("count", 3, "seed", "7", "invalidEvery", 2L)), 100));
        assertEquals(drain(new OrdersSource(4, 42, 17), 100), drain(new OrdersSource(orders, Map.of()), 4));
    }

    /**
     * A counter renamed by its configuration used to name itself 'counter' in the errors of its
     * start and count and of its end, so that the log and the failed stream pointed at another
     * configuration (or at none, when only the renamed one exists).
     */
    @Test
    void aRenamedCounterNamesItselfInItsErrors() throws Exception {
        CounterConfig ticks = config(CounterConfig.class, "ticks", "start", "count");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CounterSource(ticks, Map.of("start", Long.MAX_VALUE - 1, "count", 3)));
        assertEquals("source 'ticks': start 9223372036854775806 and count 3 go past the largest number "
                + "9223372036854775807", e.getMessage());
        try (StreamSource.Cursor<Long> c = new CounterSource(ticks, Map.of("start", Long.MAX_VALUE)).open(CTX)) {
            assertTrue(c.tryAdvance(CTX, n -> { }));
            ArithmeticException past = assertThrows(ArithmeticException.class, () -> c.tryAdvance(CTX, n -> { }));
            assertEquals("source 'ticks': counted up to the largest number 9223372036854775807; there is no next one",
                    past.getMessage());
        }
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

    /** A configuration as DS hands it over: an attribute given as a list is its first value, or null if empty. */
    @SuppressWarnings("unchecked")
    private static <A> A dsConfig(Class<A> type, Map<String, Object> properties) {
        return (A) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, m, args) -> {
                    Object v = properties.get(m.getName());
                    if (v instanceof String[] array) {
                        v = List.of(array);
                    }
                    if (v instanceof List<?> list) {
                        return list.isEmpty() ? null : list.get(0);
                    }
                    return v == null ? m.getDefaultValue() : v;
                });
    }

    /**
     * DS takes the first value of a list given where one text is expected, and null for an empty
     * list, without a word: {@code path=["a.txt","b.txt"]} in a .config file read a.txt only, and
     * {@code charset=[]} failed the activation with a NullPointerException naming nothing.
     */
    @Test
    void aListWhereOneTextIsExpectedIsRefusedNamingTheProperty(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a.txt");
        Files.writeString(a, "from a\n");
        Map<String, Object> two = Map.of("path", List.of(a.toString(), dir.resolve("b.txt").toString()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LinesSource(dsConfig(LinesConfig.class, two), two));
        assertEquals("source 'lines': path " + two.get("path") + " must be one text, not a list of 2", e.getMessage());
        Map<String, Object> none = Map.of("Charset", new String[0]);
        e = assertThrows(IllegalArgumentException.class,
                () -> new LinesSource(dsConfig(LinesConfig.class, none), none));
        assertEquals("source 'lines': charset [] must be one text, not a list of 0", e.getMessage());
        Map<String, Object> intervals = Map.of("interval", List.of("PT1S", "PT2S"));
        e = assertThrows(IllegalArgumentException.class,
                () -> new CounterSource(dsConfig(CounterConfig.class, intervals), intervals));
        assertEquals("source 'counter': interval [PT1S, PT2S] must be one text, not a list of 2", e.getMessage());
        Map<String, Object> one = Map.of("path", List.of(a.toString()));
        assertEquals(List.of("from a"), drain(new LinesSource(dsConfig(LinesConfig.class, one), one), 100));
    }
}
