package goflow.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import goflow.api.Primitive;
import goflow.api.inspect.PrimitiveInfo;
import goflow.api.inspect.Stats;

class DisplayWidthTest {

    @Test
    void countsTerminalColumnsNotUtf16Chars() {
        assertEquals(0, DisplayWidth.of(""));
        assertEquals(5, DisplayWidth.of("plain"));
        assertEquals(4, DisplayWidth.of("名前"), "CJK ideographs are wide");
        assertEquals(1, DisplayWidth.of("e\u0301"), "a combining mark takes no column of its own");
        assertEquals(3, DisplayWidth.of("a😀"), "an emoji is one wide code point, not two chars");
        assertEquals(6, DisplayWidth.of("ｆｕｌ"), "fullwidth forms are wide");
        assertEquals(4, DisplayWidth.of("ｶﾀｶﾅ"), "halfwidth katakana is narrow");
        assertEquals(6, DisplayWidth.of("한국어"), "Hangul syllables are wide");
        assertEquals(2, DisplayWidth.of("a\u200bb"), "a zero-width space takes no column");
        assertEquals(2, DisplayWidth.of(new String(Character.toChars(0x20000))),
                "a CJK ideograph outside the BMP is wide: one code point");
        assertEquals(4, DisplayWidth.of("μέγα"), "Greek is narrow");
    }

    /** The display column every cell of the row starts at, cells found by the header's starts. */
    private static List<Integer> starts(String line) {
        List<Integer> starts = new ArrayList<>();
        int col = 0;
        boolean inCell = false;
        int spaces = 0;
        for (int i = 0; i < line.length(); ) {
            int cp = line.codePointAt(i);
            if (cp == ' ') {
                spaces++;
            } else {
                if (!inCell || spaces >= 2) {
                    starts.add(col);
                }
                inCell = true;
                spaces = 0;
            }
            col += DisplayWidth.of(new String(Character.toChars(cp)));
            i += Character.charCount(cp);
        }
        return starts;
    }

    @Test
    void aTableWithWideAndCombiningNamesLinesUp() {
        String table = Table.of("name", "kind", "rate").row("名前の制限", "token-bucket", 100)
                .row("cafe\u0301", "leaky-bucket", 5).row("a😀", "token-bucket", 12345).row("api", "token-bucket", 7)
                .toString();
        String[] lines = table.split("\n");
        List<Integer> header = starts(lines[0]);
        assertEquals(3, header.size(), table);
        for (String line : lines) {
            assertEquals(header.subList(0, 2), starts(line).subList(0, 2), "the columns start alike:\n" + table);
            assertEquals(DisplayWidth.of(lines[0]), DisplayWidth.of(line), "right-aligned numbers end alike:\n"
                    + table);
        }
    }

    private static Stats stats(Map<String, Object> figures) {
        return new Stats() {
            @Override
            public Map<String, Object> toMap() {
                return figures;
            }
        };
    }

    @Test
    void theStatsCommandLinesUpACjkPrimitiveName() {
        List<PrimitiveInfo> rows = List.of(
                new PrimitiveInfo("注文サービス", Primitive.Kind.TOKEN_BUCKET, "app", stats(Map.of("rate", 100))),
                new PrimitiveInfo("orders", Primitive.Kind.TOKEN_BUCKET, "app", stats(Map.of("rate", 5))));
        String table = GoFlowCommands.familyTable(rows);
        String[] lines = table.split("\n");
        for (String line : lines) {
            assertEquals(starts(lines[0]).subList(0, 3), starts(line).subList(0, 3), "the columns start alike:\n"
                    + table);
            assertEquals(DisplayWidth.of(lines[0]), DisplayWidth.of(line), "right-aligned numbers end alike:\n"
                    + table);
        }
    }
}
