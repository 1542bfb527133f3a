package goflow.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import goflow.api.Primitive;
import goflow.api.inspect.Stats;
import goflow.api.ratelimit.RateLimiter;
import goflow.api.testing.ManualClock;
import goflow.impl.GoFlowImpl;
import goflow.impl.osgi.LiveRegistry;

/** Live changes the dashboard cannot apply safely are refused, naming why, and change nothing. */
class ControlsTest {
    private final ManualClock clock = new ManualClock();
    private final GoFlowImpl a = new GoFlowImpl(clock, "bundle.a");
    private final GoFlowImpl b = new GoFlowImpl(clock, "bundle.b");

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    @Test
    void aNameTwoBundlesUseIsRefusedRatherThanChangingEitherPrimitive() {
        LiveRegistry live = new LiveRegistry(); // the framework's registry: every bundle's primitives, with owners
        live.add(a.registry());
        live.add(b.registry());
        RateLimiter apiA = a.tokenBucket().name("api").rate(10).burst(10).build();
        RateLimiter apiB = b.tokenBucket().name("api").rate(20).burst(20).build();
        Controls.Refused refused = assertThrows(Controls.Refused.class,
                () -> new Controls(live).change("api", "rate", "5")); // the page's card may be either one
        assertEquals(409, refused.status());
        assertTrue(refused.getMessage().contains("bundle.a") && refused.getMessage().contains("bundle.b"),
                refused.getMessage());
        assertEquals(10.0, apiA.rate().eventsPerSecond());
        assertEquals(20.0, apiB.rate().eventsPerSecond());
    }

    /** A plugin's primitive listed as a token bucket, which is not a goflow {@link RateLimiter}. */
    private record Listed(String name, Kind kind) implements Primitive {
        @Override
        public Stats stats() {
            return new Figures(1);
        }

        @Override
        public void close() {
        }
    }

    /** The plugin's figures. */
    private record Figures(long allowed) implements Stats {
    }

    @Test
    void aListedPrimitiveThatIsNotTheTypeItsKindNamesIsRefusedNotAFailure() {
        a.register(new Listed("ext", Primitive.Kind.TOKEN_BUCKET));
        Controls.Refused refused = assertThrows(Controls.Refused.class,
                () -> new Controls(a.registry()).change("ext", "rate", "5"));
        assertEquals(400, refused.status());
        assertTrue(refused.getMessage().contains("'ext'") && refused.getMessage().contains("cannot be changed"),
                refused.getMessage());
    }

    /**
     * A primitive closed between the lookup and the change (its owner stopping): a conflict with its
     * state (409), not a bad request; the message is the primitive's own.
     */
    @Test
    void aPrimitiveClosedBeforeTheChangeIsAConflict() {
        RateLimiter api = a.tokenBucket().name("api").rate(10).burst(10).build();
        api.close();
        goflow.api.inspect.Registry stale = new goflow.api.inspect.Registry() { // found as the page saw it
            @Override
            public java.util.List<Primitive> primitives() {
                return java.util.List.of(api);
            }

            @Override
            public java.util.List<goflow.api.inspect.PrimitiveInfo> snapshot() {
                return java.util.List.of();
            }

            @Override
            public java.util.Optional<Primitive> find(String name) {
                return java.util.Optional.of(api);
            }

            @Override
            public java.util.Optional<Primitive> find(goflow.api.inspect.PrimitiveInfo row) {
                return java.util.Optional.of(api);
            }

            @Override
            public <T extends Primitive> java.util.Optional<T> find(String name, Class<T> type) {
                return java.util.Optional.of(type.cast(api));
            }
        };
        Controls.Refused refused = assertThrows(Controls.Refused.class,
                () -> new Controls(stale).change("api", "rate", "5"));
        assertEquals(409, refused.status());
        assertTrue(refused.getMessage().contains("closed"), refused.getMessage());
    }

    @Test
    void anUnknownNameIsRefusedListingTheFirstLiveNamesNotThousands() {
        for (int i = 0; i < 30; i++) {
            a.tokenBucket().name(String.format("api-%02d", i)).rate(1).burst(1).build();
        }
        Controls.Refused refused = assertThrows(Controls.Refused.class,
                () -> new Controls(a.registry()).change("nope", "rate", "5"));
        assertEquals(404, refused.status());
        assertTrue(refused.getMessage().startsWith("no live primitive is named 'nope'; live: api-00, api-01, "),
                refused.getMessage());
        assertTrue(refused.getMessage().endsWith("api-19, ... (10 more)"), refused.getMessage());
    }

    @Test
    void aMissingParameterIsNamedAndNothingChanges() {
        RateLimiter api = a.tokenBucket().name("api").rate(10).burst(10).build();
        Controls c = new Controls(a.registry());
        Controls.Refused noValue = assertThrows(Controls.Refused.class, () -> c.change("api", "rate", null));
        assertEquals(400, noValue.status());
        assertTrue(noValue.getMessage().startsWith("missing value "), noValue.getMessage());
        Controls.Refused noName = assertThrows(Controls.Refused.class, () -> c.change(null, null, "5"));
        assertTrue(noName.getMessage().startsWith("missing name, field "), noName.getMessage());
        assertEquals(10.0, api.rate().eventsPerSecond());
    }
}
