package goflow.plugin.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import goflow.api.context.Context;
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
}
