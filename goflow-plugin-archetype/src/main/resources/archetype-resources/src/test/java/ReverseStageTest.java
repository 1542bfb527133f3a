package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import goflow.api.context.Context;

/** The stage on its own: no framework, no goflow implementation needed. */
class ReverseStageTest {
    private static final Context CTX = Context.background();

    @Test
    void reversesTheInputText() {
        ReverseStage stage = new ReverseStage(ReverseStage.NAME, false);
        assertEquals(ReverseStage.NAME, stage.name());
        assertEquals("olleh", stage.process(CTX, "hello"));
        assertEquals("", stage.process(CTX, ""));
        assertEquals("321", stage.process(CTX, 123));
    }

    @Test
    void upperCasesWhenConfigured() {
        assertEquals("OLLEH", new ReverseStage(ReverseStage.NAME, true).process(CTX, "hello"));
    }

    @Test
    void aNullInputFailsNamingTheStage() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ReverseStage("mine", false).process(CTX, null));
        assertEquals("stage 'mine': the input is null (expected text)", e.getMessage());
    }

    @Test
    void aBlankNameIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ReverseStage(" ", false));
    }
}
