package goflow.plugin.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import goflow.api.context.CancellableContext;
import goflow.api.context.Context;
import goflow.api.context.DeadlineExceededException;
import goflow.api.pipeline.Stage;

class TextStagesTest {
    private static final Context CTX = Context.background();

    private static Object run(Stage<?, ?> stage, Object input) throws Exception {
        @SuppressWarnings("unchecked")
        Stage<Object, Object> s = (Stage<Object, Object>) stage;
        return s.process(CTX, input);
    }

    @Test
    void fixedStagesHandleTextsAndLists() throws Exception {
        assertEquals("a b", run(new TrimStage(), "  a b \t"));
        assertEquals("héllo", run(new LowerStage(), "HÉLLO"));
        assertEquals("TITLE", run(new UpperStage(), "title"));
        assertEquals(List.of("A", "B"), run(new UpperStage(), List.of("a", "b")));
        assertEquals(List.of("x", "y"), run(new TrimStage(), List.of(" x", "y ")));
        assertEquals("trim", new TrimStage().name());
        assertEquals("lower", new LowerStage().name());
        assertEquals("upper", new UpperStage().name());
    }

    @Test
    void wrongInputTypeNamesTheStageAndTheType() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(new TrimStage(), 42));
        assertEquals("stage 'trim' expects a text or a list of texts, got java.lang.Integer", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> run(new LowerStage(), List.of("a", 1)));
        assertTrue(e.getMessage().contains("'lower'"), e.getMessage());
    }

    /**
     * A configured pattern that backtracks catastrophically on some input ({@code ((a+)+)+b} on a run
     * of a's not followed by b, which no JDK optimisation saves) used to keep the stage's thread matching long after the
     * pipeline's timeout or a cancel, since a regular expression neither checks the context nor
     * answers an interrupt: the execution without an executor never returned, and with one the
     * thread went on burning a processor. The match now ends when the context is done.
     */
    @Test
    void aRegularExpressionThatBacktracksForeverEndsWhenTheContextIsDone() {
        String evil = "a".repeat(64) + "c";
        List<Stage<?, ?>> stages = List.of(new GrepStage("grep", "((a+)+)+b", false),
                new GrepStage("grep", "((a+)+)+b", true), new ReplaceStage("replace", "((a+)+)+b", "x"),
                new SplitStage("split", "((a+)+)+b"));
        for (Stage<?, ?> stage : stages) {
            for (Object input : List.of(evil, List.of("ok", evil))) {
                CancellableContext ctx = Context.background().withTimeout(Duration.ofMillis(100));
                @SuppressWarnings("unchecked")
                Stage<Object, Object> s = (Stage<Object, Object>) stage;
                assertTimeoutPreemptively(Duration.ofSeconds(20),
                        () -> assertThrows(DeadlineExceededException.class, () -> s.process(ctx, input)),
                        stage.name() + " on " + (input instanceof List ? "a list" : "a text"));
            }
        }
    }

    @Test
    void grepFiltersListsAndRejectsANonMatchingText() throws Exception {
        GrepStage grep = new GrepStage("grep", "err", false);
        assertEquals(List.of("an error", "err"), run(grep, List.of("an error", "fine", "err")));
        assertEquals("an error", run(grep, "an error"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> run(grep, "fine"));
        assertEquals("stage 'grep': text does not match /err/", e.getMessage());
        GrepStage inverted = new GrepStage("skip-errors", "err", true);
        assertEquals(List.of("fine"), run(inverted, List.of("an error", "fine")));
        assertEquals("skip-errors", inverted.name());
    }

    /** A GrepConfig as DS hands it over, except that invert must be read from the raw properties. */
    private static GrepConfig grepConfig(String pattern) {
        return (GrepConfig) java.lang.reflect.Proxy.newProxyInstance(GrepConfig.class.getClassLoader(),
                new Class<?>[] {GrepConfig.class}, (proxy, m, args) -> switch (m.getName()) {
                    case "pattern" -> pattern;
                    case "invert" -> throw new IllegalStateException("DS converted invert itself (yes to false)");
                    default -> m.getDefaultValue();
                });
    }

    /**
     * DS converts "yes", "on", "1" and "true " (a trailing space in a .cfg file) to false, and any
     * number but 0 to true, without a word: a grep meant to drop the errors kept only them.
     */
    @Test
    void grepInvertIsTrueOrFalseAndAnyOtherValueIsNamedWithTheRule() throws Exception {
        GrepConfig config = grepConfig("err");
        Map<Object, String> shown = new java.util.LinkedHashMap<>();
        shown.put("yes", "'yes'");
        shown.put("1", "'1'");
        shown.put("", "''");
        shown.put(1, "1");
        shown.put(0L, "0");
        shown.put(new Boolean[] {true}, "[true]"); // a list, even of one flag (a .config file's [true])
        shown.put(new String[] {"true", "false"}, "[true, false]");
        for (Map.Entry<Object, String> bad : shown.entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new GrepStage(config, Map.of("invert", bad.getKey())), bad.getValue());
            assertEquals("stage 'grep': invert " + bad.getValue() + " must be true or false", e.getMessage());
        }
        for (Object yes : List.of(true, "true", "TRUE", "true ", " True")) {
            assertEquals(List.of("fine"), run(new GrepStage(config, Map.of("Invert", yes)),
                    List.of("an error", "fine")), String.valueOf(yes));
        }
        for (Object no : List.of(false, "false", " FALSE ")) {
            assertEquals(List.of("an error"), run(new GrepStage(config, Map.of("invert", no)),
                    List.of("an error", "fine")), String.valueOf(no));
        }
        assertEquals(List.of("an error"), run(new GrepStage(config, Map.of()), List.of("an error", "fine")),
                "absent: false");
    }

    @Test
    void grepDefaultDropsBlankTexts() throws Exception {
        GrepStage grep = new GrepStage("grep", "\\S", false);
        assertEquals(List.of("a", " b"), run(grep, List.of("a", "  ", "", " b")));
    }

    @Test
    void invalidPatternIsRejectedNamingTheProperty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new GrepStage("grep", "(", false));
        assertTrue(e.getMessage().startsWith("stage 'grep': pattern '(' is not a valid regular expression"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SplitStage("split", "["));
        assertTrue(e.getMessage().startsWith("stage 'split': separator '['"), e.getMessage());
    }

    @Test
    void replaceCollapsesWhiteSpaceByDefaultAndUsesGroups() throws Exception {
        assertEquals("a b c", run(new ReplaceStage("replace", "\\s+", " "), "a \t b\n\nc"));
        assertEquals("k:v", run(new ReplaceStage("swap", "(\\w)=(\\w)", "$1:$2"), "k=v"));
        assertEquals(List.of("x-y", "z"), run(new ReplaceStage("replace", "_", "-"), List.of("x_y", "z")));
    }

    @Test
    void aReplacementThatCannotBeAppliedIsRejectedWhenTheStageIsCreated() throws Exception {
        // otherwise every item would fail with "No group 2" or "Illegal group reference"
        for (String replacement : List.of("$2", "price in US$", "${nope}", "ends with \\")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new ReplaceStage("r", "(\\w)=", replacement), replacement);
            assertTrue(e.getMessage().startsWith("stage 'r': replacement '" + replacement + "' cannot be applied to"
                    + " pattern '(\\w)=': "), e.getMessage());
        }
        assertEquals("k:", run(new ReplaceStage("r", "(\\w)=", "$1:"), "k="));
        assertEquals("v", run(new ReplaceStage("r", "(?<key>\\w)=", "${key}"), "v="));
        assertEquals("US$ 1", run(new ReplaceStage("r", "USD", "US\\$"), "USD 1"));
        assertEquals("a", run(new ReplaceStage("r", "(?x) b  # a comment", ""), "ab"), "trailing comment");
        assertEquals("a", run(new ReplaceStage("r", "\\Qb", ""), "ab"), "quote left open");
    }

    @Test
    void splitGivesNonEmptyPartsAndFlattensLists() throws Exception {
        SplitStage words = new SplitStage("split", "\\s+");
        assertEquals(List.of("a", "b", "c"), run(words, "  a b\tc "));
        assertEquals(List.of("a", "b", "c"), run(words, List.of("a b", "c")));
        assertEquals(List.of(), run(words, "   "));
        assertEquals(List.of("1", "2"), run(new SplitStage("csv", "\\s*,\\s*"), "1 , 2"));
    }

    /**
     * A separator or pattern that matches the empty text ({@code ""} splits a text into its
     * characters) used to match between the two halves of a surrogate pair as well, as the JDK's
     * regular expressions do: an emoji came out as two lone surrogates, which have no UTF-8 form
     * (the codec stages then refuse them) and mean nothing on their own.
     */
    @Test
    void aMatchNeverFallsBetweenTheHalvesOfASurrogatePair() throws Exception {
        String emoji = "\uD83D\uDE00"; // one character, two UTF-16 units
        assertEquals(List.of("a", emoji, "b"), run(new SplitStage("split", ""), "a" + emoji + "b"));
        assertEquals(List.of("a", emoji, "b"), run(new SplitStage("split", "\\s*"), "a " + emoji + "b"));
        assertEquals(List.of(emoji, emoji), run(new SplitStage("split", ""), List.of(emoji + emoji)));
        assertEquals("-a-" + emoji + "-b-", run(new ReplaceStage("replace", "", "-"), "a" + emoji + "b"));
        assertEquals(List.of("<>" + emoji + "<>" + emoji + "<>"),
                run(new ReplaceStage("replace", "x*", "<>"), List.of(emoji + emoji)));
        assertEquals("a-b-c", run(new ReplaceStage("replace", "\\s*,\\s*", "-"), "a , b,c"), "non-empty matches as before");
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
     * list, without a word: {@code pattern=["err","warn"]} in a .config file grepped for err only,
     * and {@code separator=[]} failed the activation with a NullPointerException naming nothing.
     */
    @Test
    void aListWhereOneTextIsExpectedIsRefusedNamingTheProperty() throws Exception {
        Map<String, Object> two = Map.of("pattern", List.of("err", "warn"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GrepStage(dsConfig(GrepConfig.class, two), two));
        assertEquals("stage 'grep': pattern [err, warn] must be one text, not a list of 2", e.getMessage());
        Map<String, Object> replacements = Map.of("replacement", new String[] {"-", "+"});
        e = assertThrows(IllegalArgumentException.class,
                () -> new ReplaceStage(dsConfig(ReplaceConfig.class, replacements), replacements));
        assertEquals("stage 'replace': replacement [-, +] must be one text, not a list of 2", e.getMessage());
        Map<String, Object> none = Map.of("Separator", List.of());
        e = assertThrows(IllegalArgumentException.class, () -> new SplitStage(dsConfig(SplitConfig.class, none), none));
        assertEquals("stage 'split': separator [] must be one text, not a list of 0", e.getMessage());
        Map<String, Object> one = Map.of("pattern", new String[] {"err"});
        assertEquals("an error", run(new GrepStage(dsConfig(GrepConfig.class, one), one), "an error"), "a list of one");
        Map<String, Object> text = Map.of("separator", ",");
        assertEquals(List.of("a", "b"), run(new SplitStage(dsConfig(SplitConfig.class, text), text), "a,b"));
    }
}
