package goflow.redis.internal.osgi;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;

import java.util.List;

import goflow.api.Primitive;
import goflow.redis.RedisConnection;
import goflow.redis.RedisKeyedRateLimiter;
import goflow.redis.RedisLimiterStats;
import goflow.redis.RedisRateLimiter;
import goflow.redis.RedisState;
import goflow.redis.internal.ConnectionImpl;

/**
 * The Gogo command {@code goflow:redis}: the configured connection's backend state (connected,
 * last error, round-trip p50/p99), its limiters with their backend figures, and the scheduler
 * leases this node holds.
 *
 * <p>Stateless and thread-safe.
 */
@Component(service = RedisCommand.class, property = {"osgi.command.scope=goflow", "osgi.command.function=redis"})
public final class RedisCommand {

    /** Creates the command (Declarative Services does). */
    public RedisCommand() {
    }

    /**
     * Shows the connection and its limiters.
     *
     * @return the report
     */
    @Descriptor("show the Redis connection (connected, last error, round-trip p50/p99) and its fleet-wide limiters "
            + "(failure policy, round trips, failures, fallbacks taken)")
    public String redis() {
        RedisConnection c = RedisConnectionComponent.current;
        if (c == null) {
            return "no redis connection (configure PID " + RedisConnection.PID + ")\n";
        }
        RedisState s = c.state();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("endpoint   %s%nconnected  %s%nlastError  %s%np50        %s%np99        %s%n",
                s.endpoint(), s.connected(), s.lastError() == null ? "-" : s.lastError(), s.p50(), s.p99()));
        sb.append(String.format("%nlimiter%20s%14s%12s%10s%11s%n", "policy", "roundTrips", "failures", "fallbacks",
                "admitted"));
        for (Primitive p : c.limiters()) {
            RedisLimiterStats b = p instanceof RedisRateLimiter l ? l.backendStats()
                    : p instanceof RedisKeyedRateLimiter<?> k ? k.backendStats() : null;
            if (b != null) {
                sb.append(String.format("%-16s%11s%14d%12d%10d%11d%n", p.name(), b.policy(), b.roundTrips(),
                        b.failures(), b.fallbacks(), b.fallbackAllowed()));
            }
        }
        if (c instanceof ConnectionImpl impl) {
            List<String> held = impl.heldLeases();
            sb.append(String.format("%nleases held by this node (goflow.lease.name=redis): %d%n", held.size()));
            for (String l : held) {
                sb.append("  ").append(l).append('\n');
            }
        }
        return sb.toString();
    }
}
