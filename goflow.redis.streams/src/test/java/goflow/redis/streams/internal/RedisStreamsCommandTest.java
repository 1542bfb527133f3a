package goflow.redis.streams.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * {@code goflow:redisstreams} prints names from configurations (a stream key, a group, a consumer,
 * a pipeline, a configuration's name): control characters in them show escaped, as every goflow
 * shell table shows them, and do nothing to the terminal (an {@code ESC [2J} clears it).
 */
class RedisStreamsCommandTest {

    @Test
    void controlCharactersInNamesShowEscapedOnOneAlignedLine() {
        List<Object> row = new ArrayList<>(List.of("goflow.redis.stream~a\nb", "\u001b[2J{orders}:in", "pricing\u0007",
                "me\r", "orders\t", "running", 1L, 2L, 3L, 4L, 5L, 6, 7L));
        String table = RedisStreamsCommand.table(List.of(row));
        String[] lines = table.split("\n", -1);
        assertEquals(3, lines.length, "a header, one row, the final line break: " + table);
        assertTrue(table.chars().noneMatch(c -> c != '\n' && Character.isISOControl(c)), table);
        assertTrue(lines[1].startsWith("goflow.redis.stream~a\\nb  \\u001b[2J{orders}:in  pricing\\u0007  me\\r"),
                lines[1]);
        assertEquals(lines[0].length(), lines[1].length(), "the columns stay aligned:\n" + table);
    }

    @Test
    void aRightToLeftOverrideInANameShowsEscapedAndTheRowKeepsItsOrder() {
        List<Object> row = new ArrayList<>(List.of("goflow.redis.stream~a", "orders\u202enI", "pricing", "me\u2066\u200f",
                "orders:out", "running", 1L, 2L, 3L, 4L, 5L, 6, 7L));
        String table = RedisStreamsCommand.table(List.of(row));
        String[] lines = table.split("\n", -1);
        assertTrue(lines[1].startsWith("goflow.redis.stream~a  orders\\u202enI  pricing  me\\u2066\\u200f  orders:out"),
                lines[1]);
        assertEquals(lines[0].length(), lines[1].length(), "the columns stay aligned:\n" + table);
    }
}
