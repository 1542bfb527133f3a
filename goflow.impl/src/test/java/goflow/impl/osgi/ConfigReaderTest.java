package goflow.impl.osgi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Vector;

import org.junit.jupiter.api.Test;

import goflow.api.InvalidConfigException;

class ConfigReaderTest {
    /** Every attribute type the reader converts. */
    @interface Sample {
        String name() default "";

        int count() default 4;

        long big() default 10;

        double rate() default 2.5;

        boolean fair() default false;

        String[] stages() default {"a"};
    }

    private final ConfigReader<Sample> reader = new ConfigReader<>(Sample.class, "sample");

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private InvalidConfigException rejected(Object... kv) {
        return assertThrows(InvalidConfigException.class, () -> reader.read(map(kv)));
    }

    @Test
    void absentPropertiesTakeTheDefaults() {
        Sample s = reader.read(map());
        assertEquals("", s.name());
        assertEquals(4, s.count());
        assertEquals(10L, s.big());
        assertEquals(2.5, s.rate());
        assertEquals(false, s.fair());
        assertArrayEquals(new String[] {"a"}, s.stages());
        assertEquals(Sample.class, s.annotationType());
        assertEquals(List.of("big", "count", "fair", "name", "rate", "stages"), reader.names());
    }

    @Test
    void stringsAsACfgFileGivesThemConvert() {
        Sample s = reader.read(map("name", "x", "count", " -3 ", "big", "9007199254740993", "rate", "2e3",
                "fair", " True ", "stages", "one"));
        assertEquals("x", s.name());
        assertEquals(-3, s.count());
        assertEquals(9007199254740993L, s.big(), "no detour through double");
        assertEquals(2000.0, s.rate());
        assertEquals(true, s.fair());
        assertArrayEquals(new String[] {"one"}, s.stages());
        assertEquals(Double.POSITIVE_INFINITY, reader.read(map("rate", "Infinity")).rate());
    }

    @Test
    void typedValuesConvertWhenTheyFit() {
        Sample s = reader.read(map("name", 5, "count", 7L, "big", 3.0, "rate", 1, "fair", Boolean.TRUE,
                "stages", new Vector<>(List.of("p", "q"))));
        assertEquals("5", s.name());
        assertEquals(7, s.count());
        assertEquals(3L, s.big());
        assertEquals(1.0, s.rate());
        assertArrayEquals(new String[] {"p", "q"}, s.stages());
        assertArrayEquals(new String[] {"1", "2"}, reader.read(map("stages", new int[] {1, 2})).stages());
        assertEquals(6, reader.read(map("count", new String[] {"6"})).count(), "a list of one value");
        s.stages()[0] = "changed";
        assertEquals("p", s.stages()[0], "arrays are copied");
    }

    @Test
    void keysMatchWithoutRegardToCase() {
        assertEquals(8, reader.read(map("COUNT", "8")).count());
        assertEquals(9, reader.read(map("COUNT", "8", "count", "9")).count(), "the exact key wins");
    }

    @Test
    void wrongTypesAreRejectedNamingThePropertyTheValueAndTheRule() {
        InvalidConfigException e = rejected("count", "two");
        assertEquals("sample", e.component());
        assertEquals("count", e.field());
        assertEquals("two", e.value());
        assertEquals("must be a whole number from -2147483648 to 2147483647", e.rule());
        assertEquals("digits only, for example 4", e.hint());
        assertEquals("must be a whole number from -2147483648 to 2147483647", rejected("count", "2147483648").rule());
        assertEquals("must be a whole number from -2147483648 to 2147483647", rejected("count", 3_000_000_000L).rule());
        assertEquals("count", rejected("count", "1.5").field());
        assertEquals("count", rejected("count", 1.5).field());
        assertEquals("count", rejected("count", "").field());
        assertEquals("count", rejected("count", "1e3").field());
        assertEquals("must be a whole number from -9223372036854775808 to 9223372036854775807",
                rejected("big", "9223372036854775808").rule());
        assertEquals("big", rejected("big", Double.NaN).field());
        e = rejected("rate", "10/s");
        assertEquals("rate", e.field());
        assertEquals("must be a number", e.rule());
        assertEquals("rate", rejected("rate", "10d").field());
        assertEquals("rate", rejected("rate", "0x1p3").field());
        e = rejected("fair", "maybe");
        assertEquals("fair", e.field());
        assertEquals("must be true or false", e.rule());
        assertEquals("fair", rejected("fair", 1).field());
        e = rejected("name", new String[] {"a", "b"});
        assertEquals("name", e.field());
        assertEquals("must be a single value, not a list of 2", e.rule());
        assertEquals(List.of("a", "b"), e.value());
        assertEquals("count", rejected("count", List.of()).field());
    }

    @Test
    void aDecimalTooLargeOrTooSmallForADoubleIsRejectedNotReadAsInfinityOrZero() {
        // rate=1e400 would make a token bucket admit everything, rate=1e-400 nothing
        InvalidConfigException e = rejected("rate", "1e400");
        assertEquals("rate", e.field());
        assertEquals("1e400", e.value());
        assertEquals("must be a number from -" + Double.MAX_VALUE + " to " + Double.MAX_VALUE + ", or Infinity",
                e.rule());
        assertEquals("a larger number would silently become Infinity", e.hint());
        assertEquals("must be 0 or at least " + Double.MIN_VALUE + " in magnitude", rejected("rate", "-1e-400").rule());
        assertEquals("rate", rejected("rate", new java.math.BigDecimal("1e400")).field());
        assertEquals("rate", rejected("rate", new java.math.BigDecimal("1e-400")).field());
        assertEquals(Double.MAX_VALUE, reader.read(map("rate", "1.7976931348623157e308")).rate());
        assertEquals(Double.MIN_VALUE, reader.read(map("rate", "4.9e-324")).rate());
        assertEquals(0.0, reader.read(map("rate", "0e-400")).rate());
        assertEquals(Double.NEGATIVE_INFINITY, reader.read(map("rate", "-Infinity")).rate(), "as typed");
        assertEquals(Double.POSITIVE_INFINITY, reader.read(map("rate", Double.POSITIVE_INFINITY)).rate());
        // assertEquals(double, double) tells 0.0 from -0.0
        assertEquals(0.0, reader.read(map("rate", "-0")).rate(), "-0 is read as 0 (a rate shown as -0.0/s otherwise)");
        assertEquals(0.0, reader.read(map("rate", -0.0)).rate());
    }

    @Test
    void unknownKeysNameTheNearestKnownKeyAndFrameworkKeysAreNotUnknown() {
        assertEquals(List.of("unknown property 'cuont' is ignored; did you mean 'count'? (known: big, count, fair, "
                + "name, rate, stages)", "unknown property 'ratee' is ignored; did you mean 'rate'? (known: big, count, "
                + "fair, name, rate, stages)"), reader.unknownKeys(map("ratee", 1, "cuont", 2, "Fair", "true",
                "service.pid", "p", "service.factoryPid", "f", "component.name", "c", "component.id", 1L,
                "felix.fileinstall.filename", "f", ":org.apache.felix.configadmin.revision:", 2L, "live.target", "(a=b)",
                "osgi.ds.satisfying.condition.target", "(x=y)")));
        assertTrue(reader.unknownKeys(map("name", "n")).isEmpty());
    }

    @Test
    void levenshteinDistance() {
        assertEquals(0, ConfigReader.distance("rate", "rate"));
        assertEquals(1, ConfigReader.distance("rate", "ratee"));
        assertEquals(2, ConfigReader.distance("count", "cuont"));
        assertEquals(4, ConfigReader.distance("", "rate"));
    }

    @Test
    void everyConfigurationTypeOfTheBundleIsReadable() {
        for (Class<?> t : List.of(TokenBucketConfig.class, LeakyBucketConfig.class, ConcurrencyLimiterConfig.class,
                WorkerPoolConfig.class, SchedulerConfig.class, PipelineConfig.class)) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            ConfigReader<?> r = new ConfigReader(t, "x");
            assertTrue(t.isInstance(r.read(map())), t.getName());
        }
    }
}
