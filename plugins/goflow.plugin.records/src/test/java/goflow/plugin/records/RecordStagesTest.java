package goflow.plugin.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.pipeline.Stage;

class RecordStagesTest {
    private static final Context CTX = Context.background();

    private static Object run(Stage<?, ?> stage, Object input) throws Exception {
        @SuppressWarnings("unchecked")
        Stage<Object, Object> s = (Stage<Object, Object>) stage;
        return s.process(CTX, input);
    }

    private static Map<String, String> rec(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void anErrorQuotesAHugeInputShortened() {
        String huge = "x".repeat(1 << 20);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> run(new ParseCsvStage("parse-csv", List.of(), ","), "1,\"" + huge));
        assertEquals("stage 'parse-csv': unterminated quote in '1,\"" + "x".repeat(54) + "...' (1048579 characters)",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> run(new ParseKeyValueStage("parse-kv", "\\s+"), huge));
        assertEquals("stage 'parse-kv': '" + "x".repeat(57) + "...' (1048576 characters) is not a key=value pair",
                e.getMessage());
    }

    @Test
    void parseKeyValueKeepsOrderAndAcceptsCommonSeparators() throws Exception {
        ParseKeyValueStage kv = new ParseKeyValueStage("parse-kv", "[\\s,;&]+");
        Object r = run(kv, " id=7 customer=ann, amount=12.50;note=a=b& ");
        assertEquals(rec("id", "7", "customer", "ann", "amount", "12.50", "note", "a=b"), r);
        assertEquals(List.of("id", "customer", "amount", "note"), new ArrayList<>(((Map<?, ?>) r).keySet()));
        assertEquals(rec(), run(kv, "   "));
        assertEquals(rec("empty", ""), run(kv, "empty="));
    }

    /**
     * A separator that backtracks catastrophically ({@code ((a+)+)+b} on a long run of a's) used to
     * keep the stage's thread matching long after the pipeline's timeout: a regular expression
     * neither checks the context nor answers an interrupt. The match now ends when the context is
     * done.
     */
    @Test
    void parseKeyValueEndsASeparatorThatBacktracksForeverWhenTheContextIsDone() {
        ParseKeyValueStage kv = new ParseKeyValueStage("parse-kv", "((a+)+)+b");
        CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(100));
        assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> assertThrows(DeadlineExceededException.class, () -> kv.process(ctx, "k=" + "a".repeat(64) + "c")));
    }

    /**
     * A separator that matches the empty text ({@code [\s,;&]*}, a star for a plus) splits between
     * every two characters, so that every line failed with "'i' is not a key=value pair"; it is
     * refused with the configuration instead, as replace refuses a replacement it cannot apply.
     */
    @Test
    void parseKeyValueRefusesASeparatorThatMatchesTheEmptyText() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ParseKeyValueStage("kv", "[\\s,;&]*"));
        assertEquals("stage 'kv': separator '[\\s,;&]*' matches the empty text, so it would split between every two "
                + "characters; it must match at least one character (e.g. + rather than *)", e.getMessage());
    }

    @Test
    void parseKeyValueRejectsPartsWithoutAKey() {
        ParseKeyValueStage kv = new ParseKeyValueStage("parse-kv", "\\s+");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(kv, "id=1 oops"));
        assertEquals("stage 'parse-kv': 'oops' is not a key=value pair", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> run(kv, "=1"));
        assertEquals("stage 'parse-kv': '=1' is not a key=value pair", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> run(kv, 5));
        assertEquals("stage 'parse-kv' expects a line of text, got java.lang.Integer", e.getMessage());
    }

    @Test
    void parseCsvHandlesQuotesAndColumns() throws Exception {
        ParseCsvStage csv = new ParseCsvStage("parse-csv", List.of("id", "name", "city"), ",");
        assertEquals(rec("id", "1", "name", "Smith, \"Jo\"", "city", ""), run(csv, "1,\"Smith, \"\"Jo\"\"\","));
        assertEquals(rec("id", "2"), run(csv, "2"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(csv, "1,2,3,4"));
        assertEquals("stage 'parse-csv': 4 fields but only 3 columns [id, name, city]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> run(csv, "1,\"open"));
        assertEquals("stage 'parse-csv': unterminated quote in '1,\"open'", e.getMessage());
        ParseCsvStage anon = new ParseCsvStage("csv", List.of(), ";");
        assertEquals(rec("c1", "a", "c2", "b,c"), run(anon, "a;b,c"));
        e = assertThrows(IllegalArgumentException.class, () -> new ParseCsvStage("csv", List.of(), "ab"));
        assertEquals("stage 'csv': delimiter 'ab' must be one character other than a double quote", e.getMessage());
    }

    /**
     * A double quote inside an unquoted field is an ordinary character, as RFC 4180 readers take
     * it: it used to open a quoted section there, so that {@code 5" screen,12" screen,3} became the
     * two fields {@code 5 screen,12 screen} and {@code 3}, quotes gone and separator swallowed.
     */
    @Test
    void parseCsvTakesAQuoteInsideAnUnquotedFieldLiterally() throws Exception {
        ParseCsvStage csv = new ParseCsvStage("parse-csv", List.of(), ",");
        assertEquals(rec("c1", "5\" screen", "c2", "12\" screen", "c3", "3"), run(csv, "5\" screen,12\" screen,3"));
        assertEquals(rec("c1", "a\"b\"", "c2", "c"), run(csv, "a\"b\",c"));
        // a quote at the start of a field, after white space only, still quotes it, as before
        assertEquals(rec("c1", "1", "c2", " Smith, Jo", "c3", "x"), run(csv, "1, \"Smith, Jo\",x"));
        assertEquals(rec("c1", "", "c2", "a,b"), run(csv, ",\"a,b\""));
    }

    /**
     * An empty line has no field, as parse-kv's blank line has none: it used to give a record with
     * the first column set to the empty text ({@code {id=}}, or {@code {c1=}} without columns).
     * A line of one empty quoted field, or of one delimiter, still has fields.
     */
    @Test
    void parseCsvGivesAnEmptyLineAnEmptyRecord() throws Exception {
        ParseCsvStage csv = new ParseCsvStage("parse-csv", List.of("id", "name"), ",");
        assertEquals(rec(), run(csv, ""));
        assertEquals(rec(), run(new ParseCsvStage("parse-csv", List.of(), ","), ""));
        assertEquals(rec("id", ""), run(csv, "\"\""));
        assertEquals(rec("id", "", "name", ""), run(csv, ","));
        assertEquals(rec("id", " "), run(csv, " "));
    }

    /** A repeated column name used to drop the earlier field silently: "1,ann,2" gave {id=2, name=ann}. */
    @Test
    void parseCsvRefusesARepeatedOrBlankColumnName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ParseCsvStage("csv", List.of("id", "name", "id"), ","));
        assertEquals("stage 'csv': column 'id' appears twice in columns [id, name, id]; each name must be unique "
                + "and not blank",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ParseCsvStage("csv", List.of("id", " "), ","));
        assertEquals("stage 'csv': column 2 ' ' in columns [id,  ] is blank; each name must be unique and not blank",
                e.getMessage());
    }

    /** A configuration as DS hands it over: each attribute converted by DS, a String[] from a one-line value too. */
    @SuppressWarnings("unchecked")
    private static <A> A config(Class<A> type, String name, Map<String, Object> properties) {
        return (A) java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, m, args) -> {
                    if (m.getName().equals("goflow_stage_name")) {
                        return name;
                    }
                    Object v = properties.get(m.getName());
                    return v == null ? m.getDefaultValue() : v instanceof String s ? new String[] {s} : v;
                });
    }

    /**
     * A list written on one line of a .cfg file ({@code fields = id,amount}) reaches DS as one
     * text, which DS turns into a list of one name, {@code "id,amount"}: project then kept no field
     * of any record, without a word, require failed every record for a field "id,amount", and
     * parse-csv failed every line for having more fields than its one column.
     */
    @Test
    void aListWrittenOnOneLineOfACfgFileIsRefusedNamingTheFormatItNeeds() throws Exception {
        String rule = " is one text, not a list: in a .cfg file a list needs the .config format: ";
        Map<String, Object> fields = Map.of("fields", "id, amount");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ProjectStage(config(ProjectConfig.class, "keep", fields), fields));
        assertEquals("stage 'keep': fields 'id, amount'" + rule + "fields=[\"id\",\"amount\"]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> new RequireStage(config(RequireConfig.class, "require", fields), fields));
        assertEquals("stage 'require': fields 'id, amount'" + rule + "fields=[\"id\",\"amount\"]", e.getMessage());
        Map<String, Object> columns = Map.of("COLUMNS", "id,amount,currency");
        e = assertThrows(IllegalArgumentException.class,
                () -> new ParseCsvStage(config(ParseCsvConfig.class, "csv", Map.of("columns", "id,amount,currency")),
                        columns));
        assertEquals("stage 'csv': columns 'id,amount,currency'" + rule + "columns=[\"id\",\"amount\",\"currency\"]",
                e.getMessage());

        // a blank line is no name at all (project keeps all, require none), not one blank name
        Map<String, Object> blank = Map.of("fields", " ");
        assertEquals(rec("a", "1", "b", ""), run(new ProjectStage(config(ProjectConfig.class, "p", blank), blank),
                rec("a", "1", "b", "")));
        assertEquals(rec("a", "1"), run(new RequireStage(config(RequireConfig.class, "r", blank), blank), rec("a", "1")));
        // one name on one line is a list of one; a typed list may hold a name with a comma
        Map<String, Object> one = Map.of("fields", "id");
        assertEquals(rec("id", "7"), run(new ProjectStage(config(ProjectConfig.class, "p", one), one),
                rec("amount", "1", "id", "7")));
        Map<String, Object> typed = Map.of("fields", new String[] {"a,b", "c"});
        assertEquals(List.of("a,b", "c"), new ArrayList<>(((Map<?, ?>) run(new ProjectStage(
                config(ProjectConfig.class, "p", typed), typed), rec("c", "2", "a,b", "1"))).keySet()));
        assertEquals(rec("c1", "7", "c2", "9"),
                run(new ParseCsvStage(config(ParseCsvConfig.class, "csv", Map.of()), Map.of()), "7,9"));
    }

    @Test
    void requireListsEveryMissingOrBlankField() throws Exception {
        RequireStage req = new RequireStage("require", List.of("id", "amount"));
        Map<String, String> ok = rec("id", "1", "amount", "3");
        assertEquals(ok, run(req, ok));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(req, rec("id", " ")));
        assertEquals("stage 'require': missing required fields id, amount", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> run(req, rec("id", "1")));
        assertEquals("stage 'require': missing required field amount", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> run(req, "id=1"));
        assertEquals("stage 'require' expects a record (a Map), got java.lang.String", e.getMessage());
    }

    /**
     * A blank field name ({@code field =} in a .cfg file) used to be taken: timestamp then wrote
     * its time under the key "" of every record (format-kv wrote "=2026-...", which parse-kv
     * refuses), and require failed every record, since no record has a field "" that is not blank.
     */
    @Test
    void timestampAndRequireRefuseABlankFieldName() {
        Clock fixed = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TimestampStage("stamp", " ", fixed));
        assertEquals("stage 'stamp': field ' ' is blank; it must name the field that receives the time",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new RequireStage("require", List.of("id", "")));
        assertEquals("stage 'require': field 2 '' in fields [id, ] is blank; each must name a field", e.getMessage());
    }

    @Test
    void timestampAddsTheClockTimeWithoutTouchingTheInput() throws Exception {
        Clock fixed = Clock.fixed(Instant.parse("2026-11-28T10:00:00Z"), ZoneOffset.UTC);
        TimestampStage ts = new TimestampStage("timestamp", "at", fixed);
        Map<String, String> in = rec("id", "1");
        assertEquals(rec("id", "1", "at", "2026-11-28T10:00:00Z"), run(ts, in));
        assertEquals(rec("id", "1"), in);
    }

    @Test
    void projectKeepsListedFieldsInOrderAndEmptyKeepsAll() throws Exception {
        Map<String, String> in = rec("a", "1", "b", "2", "c", "3");
        Object out = run(new ProjectStage("project", List.of("c", "a", "zz")), in);
        assertEquals(List.of("c", "a"), new ArrayList<>(((Map<?, ?>) out).keySet()));
        assertEquals(in, run(new ProjectStage("project", List.of()), in));
    }

    /**
     * A field without a value (null in a record from user code) used to come out as the text
     * {@code k=null}, which parse-kv reads back as the value "null" and require then accepts.
     */
    @Test
    void formatWritesAFieldWithoutAValueAsAnEmptyValueNotTheTextNull() throws Exception {
        Map<String, String> in = rec("id", "7", "note", null, "amount", "1");
        assertEquals("id=7 note= amount=1", run(new FormatKeyValueStage(), in));
        Object back = run(new ParseKeyValueStage("parse-kv", "\\s+"), run(new FormatKeyValueStage(), in));
        assertThrows(IllegalArgumentException.class, () -> run(new RequireStage("require", List.of("note")), back));
    }

    @Test
    void formatIsTheInverseOfParse() throws Exception {
        String line = "id=7 customer=ann amount=12.50";
        Object parsed = run(new ParseKeyValueStage("parse-kv", "\\s+"), line);
        assertEquals(line, run(new FormatKeyValueStage(), parsed));
        assertTrue(new FormatKeyValueStage().name().equals("format-kv"));
    }

    /** A configuration as DS hands it over: an attribute given as a list is its first value, or null if empty. */
    @SuppressWarnings("unchecked")
    private static <A> A dsConfig(Class<A> type, Map<String, Object> properties) {
        return (A) java.lang.reflect.Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
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
     * list, without a word: {@code field=["received","at"]} in a .config file named the field
     * received only, and {@code separator=[]} failed the activation with a NullPointerException
     * naming nothing.
     */
    @Test
    void aListWhereOneTextIsExpectedIsRefusedNamingTheProperty() throws Exception {
        Map<String, Object> two = Map.of("field", List.of("received", "at"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TimestampStage(dsConfig(TimestampConfig.class, two), two));
        assertEquals("stage 'timestamp': field [received, at] must be one text, not a list of 2", e.getMessage());
        Map<String, Object> none = Map.of("separator", new String[0]);
        e = assertThrows(IllegalArgumentException.class,
                () -> new ParseKeyValueStage(dsConfig(ParseKeyValueConfig.class, none), none));
        assertEquals("stage 'parse-kv': separator [] must be one text, not a list of 0", e.getMessage());
        Map<String, Object> delimiters = Map.of("Delimiter", List.of(";", ","));
        e = assertThrows(IllegalArgumentException.class,
                () -> new ParseCsvStage(dsConfig(ParseCsvConfig.class, delimiters), delimiters));
        assertEquals("stage 'parse-csv': delimiter [;, ,] must be one text, not a list of 2", e.getMessage());
        Map<String, Object> one = Map.of("delimiter", List.of(";"));
        assertEquals(rec("c1", "a", "c2", "b"),
                run(new ParseCsvStage(dsConfig(ParseCsvConfig.class, one), one), "a;b"), "a list of one");
    }
}
