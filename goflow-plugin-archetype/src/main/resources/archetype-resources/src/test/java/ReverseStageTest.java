package ${package};

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;

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

    /** Created as DS does, from the raw properties and a ReverseConfig proxy over them that DS would convert upperCase. */
    private static ReverseStage fromConfiguration(Map<String, Object> properties) {
        ReverseConfig config = (ReverseConfig) Proxy.newProxyInstance(ReverseConfig.class.getClassLoader(),
                new Class<?>[] {ReverseConfig.class}, (proxy, m, args) -> {
                    if (m.getName().equals("upperCase") && properties.containsKey("upperCase")) {
                        throw new IllegalStateException("DS converted upperCase itself (yes to false)");
                    }
                    return m.getDefaultValue();
                });
        return new ReverseStage(config, properties);
    }

    @Test
    void aConfiguredUpperCaseIsTrueOrFalseNotWhatDsWouldMakeOfIt() {
        for (Object bad : List.of("yes", "1", "", 1)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> fromConfiguration(Map.of("upperCase", bad)), String.valueOf(bad));
            assertEquals("stage '" + ReverseStage.NAME + "': upperCase " + (bad instanceof String ? "'" + bad + "'" : bad)
                    + " must be true or false", e.getMessage());
        }
        assertEquals("OLLEH", fromConfiguration(Map.of("upperCase", true)).process(CTX, "hello"));
        assertEquals("OLLEH", fromConfiguration(Map.of("upperCase", "TRUE ")).process(CTX, "hello"),
                "a .cfg file's text");
        assertEquals("olleh", fromConfiguration(Map.of("upperCase", "false")).process(CTX, "hello"));
        assertEquals("olleh", fromConfiguration(Map.of()).process(CTX, "hello"), "absent: the default");
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
