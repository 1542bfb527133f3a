package goflow.api.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import goflow.api.inspect.Stats;

class StatsMapsTest {

    enum Phase { WARM, HOT }

    /** Not public, like a test's or a plugin's own record: readable on the class path. */
    record Local(String name, Phase phase, Duration took, Long missing, int count) implements Stats {
    }

    record Empty() implements Stats {
    }

    record Failing(long value) implements Stats {
        @Override
        public long value() {
            throw new IllegalStateException("accessor failed");
        }
    }

    @Test
    void derivesOneFigurePerComponentInOrderWithEnumsByNameAndNullsLeftOut() {
        Map<String, Object> m = new Local("a", Phase.HOT, Duration.ofSeconds(2), null, 7).toMap();
        assertEquals(List.of("name", "phase", "took", "count"), List.copyOf(m.keySet()));
        assertEquals("HOT", m.get("phase"));
        assertEquals(Duration.ofSeconds(2), m.get("took"));
        assertEquals(Integer.valueOf(7), m.get("count"));
        assertThrows(UnsupportedOperationException.class, () -> m.put("x", 1));
        assertEquals(Map.of(), new Empty().toMap());
    }

    @Test
    void figuresIsAFreshMutableMapForRecordsThatReshapeTheirFigures() {
        Local stats = new Local("a", Phase.WARM, Duration.ZERO, 3L, 1);
        Map<String, Object> first = StatsMaps.figures(stats);
        first.remove("name");
        assertEquals(List.of("name", "phase", "took", "missing", "count"),
                List.copyOf(StatsMaps.figures(stats).keySet()));
        assertEquals(3L, first.get("missing"));
    }

    @Test
    void aStatsThatIsNotARecordMustOverrideToMap() {
        Stats handWritten = new Stats() {
        };
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, handWritten::toMap);
        assertTrue(e.getMessage().contains("is not a record") && e.getMessage().contains("override"), e.getMessage());
        Map<String, Object> own = Map.of("x", 1);
        Stats overriding = new Stats() {
            @Override
            public Map<String, Object> toMap() {
                return own;
            }
        };
        assertSame(own, overriding.toMap());
    }

    @Test
    void whatAnAccessorThrowsIsPassedOn() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Failing(1).toMap());
        assertEquals("accessor failed", e.getMessage());
    }
}
