package goflow.redis.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;

/** What {@link Text#oneLine} escapes for a terminal or a log line, and what it leaves. */
class TextTest {

    @Test
    void controlCharactersSeparatorsAndBidirectionalFormattingCharactersAreEscaped() {
        assertEquals("a\\u001b[2Jb\\nc\\rd\\te\\u2028f\\u2029g",
                Text.oneLine("a\u001b[2Jb\nc\rd\te\u2028f\u2029g"));
        // a right-to-left override would show the rest of the line reversed ("Trojan Source")
        assertEquals("key\\u202egnp.exe\\u202c \\u2066x\\u2069 \\u200e\\u200f\\u061c",
                Text.oneLine("key\u202egnp.exe\u202c \u2066x\u2069 \u200e\u200f\u061c"));
    }

    @Test
    void otherTextIsKeptAsItIs() {
        String text = "名前 e\u0301 😀 \u200d ok";
        assertEquals(text, Text.oneLine(text));
        assertFalse(Text.isBidiControl('\u200d'), "a zero-width joiner (emoji sequences) is not one");
    }
}
