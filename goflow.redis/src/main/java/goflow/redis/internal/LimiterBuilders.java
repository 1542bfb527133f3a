package goflow.redis.internal;

import java.time.Duration;
import java.util.function.Function;

import goflow.api.Clock;
import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.Registration;
import goflow.api.ratelimit.Rate;
import goflow.api.ratelimit.RateLimiter;
import goflow.redis.FailurePolicy;
import goflow.redis.RedisKeyedRateLimiter;
import goflow.redis.RedisKeyedRateLimiterBuilder;
import goflow.redis.RedisRateLimiter;
import goflow.redis.RedisRateLimiterBuilder;

/** The builders of the Redis limiters. Not thread-safe. */
final class LimiterBuilders {
    private LimiterBuilders() {
    }

    /** The settings both builders share, validated as they are set. */
    abstract static class Common {
        final ConnectionImpl conn;
        final String component;
        String name;
        double rate = 10;
        private boolean rateSet;
        long burst = 10;
        private boolean burstSet;
        FailurePolicy policy = FailurePolicy.FAIL_CLOSED;
        private boolean policySet;
        double share = 0.25;
        private boolean shareSet;
        int leaseTokens;
        Duration leaseMaxAge;
        Clock clock = Clock.system();
        private boolean clockSet;
        GoFlow registry;
        int maxKeys = 100_000;
        private boolean maxKeysSet;
        Duration idleTimeout = Duration.ofMinutes(10);
        private boolean idleSet;

        Common(ConnectionImpl conn, String component) {
            this.conn = conn;
            this.component = component;
        }

        private void once(String field, boolean set, Object value) {
            if (set) {
                throw new InvalidConfigException(component, field, value, "was already set", "set each option once");
            }
        }

        void setName(String value) {
            once("name", name != null, value);
            name = ConnectionImpl.checkName(component, "name", value);
        }

        void setRate(double value) {
            once("rate", rateSet, value);
            if (Double.isNaN(value) || value < 0) {
                throw new InvalidConfigException(component, "rate", value, "must be zero, positive or infinite",
                        "tokens per second for the whole fleet");
            }
            rate = value;
            rateSet = true;
        }

        void setRate(Rate value) {
            if (value == null) {
                throw new InvalidConfigException(component, "rate", null, "must not be null", "");
            }
            setRate(value.eventsPerSecond());
        }

        void setBurst(long value) {
            once("burst", burstSet, value);
            if (value < 1 || value > RateLimiter.MAX_BURST) {
                throw new InvalidConfigException(component, "burst", value, "must be from 1 to "
                        + RateLimiter.MAX_BURST, "the most tokens a bucket holds, for the whole fleet");
            }
            burst = value;
            burstSet = true;
        }

        void setPolicy(FailurePolicy value) {
            once("failurePolicy", policySet, value);
            if (value == null) {
                throw new InvalidConfigException(component, "failurePolicy", null, "must not be null",
                        "FAIL_OPEN, FAIL_CLOSED or LOCAL");
            }
            policy = value;
            policySet = true;
        }

        void setShare(double value) {
            once("localShare", shareSet, value);
            if (!(value > 0 && value <= 1)) {
                throw new InvalidConfigException(component, "localShare", value, "must be more than 0 and at most 1",
                        "the share of the rate this node's local bucket gets while Redis is away; 1/N for N nodes");
            }
            share = value;
            shareSet = true;
        }

        void setLease(int tokens, Duration maxAge) {
            once("localLease", leaseTokens != 0, tokens);
            if (tokens < 2 || tokens > 1_000_000) {
                throw new InvalidConfigException(component, "localLease.tokens", tokens, "must be from 2 to 1000000",
                        "how many tokens a node takes from Redis at once");
            }
            leaseMaxAge = ConnectionImpl.checkDuration(component, "localLease.maxAge", maxAge, Duration.ofMillis(1),
                    Duration.ofMinutes(1), "how long leased tokens may be used; the fleet may admit up to rate x "
                            + "maxAge more than its limit");
            leaseTokens = tokens;
        }

        void setClock(Clock value) {
            once("clock", clockSet, value);
            if (value == null) {
                throw new InvalidConfigException(component, "clock", null, "must not be null", "");
            }
            clock = value;
            clockSet = true;
        }

        void setRegisterIn(GoFlow value) {
            once("registerIn", registry != null, value);
            if (value == null) {
                throw new InvalidConfigException(component, "registerIn", null, "must not be null", "");
            }
            registry = value;
        }

        void setMaxKeys(int value) {
            once("maxKeys", maxKeysSet, value);
            if (value < 1) {
                throw new InvalidConfigException(component, "maxKeys", value, "must be at least 1",
                        "how many keys this node holds local state for");
            }
            maxKeys = value;
            maxKeysSet = true;
        }

        void setIdleTimeout(Duration value) {
            once("idleTimeout", idleSet, value);
            idleTimeout = ConnectionImpl.checkDuration(component, "idleTimeout", value, Duration.ofMillis(1),
                    Duration.ofDays(365), "how long an unused local fallback bucket is kept");
            idleSet = true;
        }

        void requireName() {
            if (name == null) {
                throw new InvalidConfigException(component, "name", null, "is required",
                        "nodes that use the same name share the same limit");
            }
        }

        /** Claims the name, lists the limiter and writes its configuration; undoes all if one fails. */
        <P extends Primitive> P finish(P limiter, LimiterCore core, java.util.function.Consumer<Registration> listing) {
            conn.claim(component, name, limiter);
            try {
                if (registry != null) {
                    listing.accept(registry.register(limiter));
                }
            } catch (RuntimeException | Error e) {
                conn.release(name, limiter);
                throw e;
            }
            core.publishConfiguration();
            return limiter;
        }
    }

    /** Builds {@link RedisRateLimiter}s. */
    static final class Single extends Common implements RedisRateLimiterBuilder {
        Single(ConnectionImpl conn) {
            super(conn, Primitive.Kind.TOKEN_BUCKET.label());
        }

        @Override
        public RedisRateLimiterBuilder name(String value) {
            setName(value);
            return this;
        }

        @Override
        public RedisRateLimiterBuilder rate(double value) {
            setRate(value);
            return this;
        }

        @Override
        public RedisRateLimiterBuilder rate(Rate value) {
            setRate(value);
            return this;
        }

        @Override
        public RedisRateLimiterBuilder burst(long value) {
            setBurst(value);
            return this;
        }

        @Override
        public RedisRateLimiterBuilder failurePolicy(FailurePolicy value) {
            setPolicy(value);
            return this;
        }

        @Override
        public RedisRateLimiterBuilder localShare(double value) {
            setShare(value);
            return this;
        }

        @Override
        public RedisRateLimiterBuilder localLease(int tokens, Duration maxAge) {
            setLease(tokens, maxAge);
            return this;
        }

        @Override
        public RedisRateLimiterBuilder registerIn(GoFlow goflow) {
            setRegisterIn(goflow);
            return this;
        }

        @Override
        public RedisRateLimiterBuilder clock(Clock value) {
            setClock(value);
            return this;
        }

        @Override
        public RedisRateLimiter build() {
            requireName();
            RedisRateLimiterImpl l = new RedisRateLimiterImpl(this);
            return finish(l, l.core(), l::listing);
        }
    }

    /** Builds {@link RedisKeyedRateLimiter}s. */
    static final class Keyed extends Common implements RedisKeyedRateLimiterBuilder {
        Keyed(ConnectionImpl conn) {
            super(conn, Primitive.Kind.KEYED_RATE_LIMITER.label());
        }

        @Override
        public RedisKeyedRateLimiterBuilder name(String value) {
            setName(value);
            return this;
        }

        @Override
        public RedisKeyedRateLimiterBuilder rate(double value) {
            setRate(value);
            return this;
        }

        @Override
        public RedisKeyedRateLimiterBuilder rate(Rate value) {
            setRate(value);
            return this;
        }

        @Override
        public RedisKeyedRateLimiterBuilder burst(long value) {
            setBurst(value);
            return this;
        }

        @Override
        public RedisKeyedRateLimiterBuilder failurePolicy(FailurePolicy value) {
            setPolicy(value);
            return this;
        }

        @Override
        public RedisKeyedRateLimiterBuilder localShare(double value) {
            setShare(value);
            return this;
        }

        @Override
        public RedisKeyedRateLimiterBuilder localLease(int tokens, Duration maxAge) {
            setLease(tokens, maxAge);
            return this;
        }

        @Override
        public RedisKeyedRateLimiterBuilder maxKeys(int value) {
            setMaxKeys(value);
            return this;
        }

        @Override
        public RedisKeyedRateLimiterBuilder idleTimeout(Duration value) {
            setIdleTimeout(value);
            return this;
        }

        @Override
        public RedisKeyedRateLimiterBuilder registerIn(GoFlow goflow) {
            setRegisterIn(goflow);
            return this;
        }

        @Override
        public RedisKeyedRateLimiterBuilder clock(Clock value) {
            setClock(value);
            return this;
        }

        @Override
        public RedisKeyedRateLimiter<String> build() {
            return build(Function.identity());
        }

        @Override
        public <K> RedisKeyedRateLimiter<K> build(Function<? super K, String> keyName) {
            if (keyName == null) {
                throw new InvalidConfigException(component, "keyName", null, "must not be null",
                        "for example Object::toString");
            }
            requireName();
            RedisKeyedRateLimiterImpl<K> l = new RedisKeyedRateLimiterImpl<>(this, keyName);
            return finish(l, core(l), l::listing);
        }

        private static LimiterCore core(RedisKeyedRateLimiterImpl<?> l) {
            return l.core();
        }
    }
}
