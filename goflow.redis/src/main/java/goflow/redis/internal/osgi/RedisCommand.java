package goflow.redis.internal.osgi;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Component;

import java.util.ArrayList;
import java.util.List;

import goflow.api.Primitive;
import goflow.redis.RedisConnection;
import goflow.redis.RedisKeyedRateLimiter;
import goflow.redis.RedisLimiterStats;
import goflow.redis.RedisRateLimiter;
import goflow.redis.RedisState;
import goflow.redis.internal.ConnectionImpl;
import goflow.redis.internal.Text;

/**
 * The Gogo command {@code goflow:redis}: the configured connection's backend state (connected,
 * last error, round-trip p50/p99), its limiters with their backend figures, and the scheduler
 * leases this node holds.
 *
 * <p>Stateless and thread-safe.
 */
@Component(service = RedisCommand.class, property = {"osgi.command.scope=goflow", "osgi.command.function=redis"})
public final class RedisCommand {
    /** What the command does, as its help says. */
    private static final String DESCRIPTION = "show the Redis connection (connected, last error, round-trip "
            + "p50/p99) and its fleet-wide limiters (failure policy, round trips, failures, fallbacks taken)";

    /** Creates the command (Declarative Services does). */
    public RedisCommand() {
    }

    /**
     * Shows the connection and its limiters.
     *
     * @return the report
     */
    @Descriptor(DESCRIPTION)
    public String redis() {
        RedisConnection c = RedisConnectionComponent.current;
        if (c == null) {
            return "no redis connection (configure PID " + RedisConnection.PID + ")\n";
        }
        RedisState s = c.state();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("endpoint   %s%nconnected  %s%nlastError  %s%np50        %s%np99        %s%n",
                Text.oneLine(s.endpoint()), s.connected(), s.lastError() == null ? "-" : Text.oneLine(s.lastError()), s.p50(),
                s.p99()));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"limiter", "policy", "roundTrips", "failures", "fallbacks", "admitted"});
        for (Primitive p : c.limiters()) {
            RedisLimiterStats b = p instanceof RedisRateLimiter l ? l.backendStats()
                    : p instanceof RedisKeyedRateLimiter<?> k ? k.backendStats() : null;
            if (b != null) {
                rows.add(new String[] {Text.oneLine(p.name()), String.valueOf(b.policy()), Long.toString(b.roundTrips()),
                    Long.toString(b.failures()), Long.toString(b.fallbacks()), Long.toString(b.fallbackAllowed())});
            }
        }
        sb.append('\n').append(table(rows));
        if (c instanceof ConnectionImpl impl) {
            List<String> held = impl.heldLeases();
            sb.append(String.format("%nleases held by this node (goflow.lease.name=redis): %d%n", held.size()));
            for (String l : held) {
                sb.append("  ").append(Text.oneLine(l)).append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * Answers {@code --help} or {@code -h} with this command's usage, as every goflow command does
     * (Karaf's {@code help goflow:redis} runs it).
     *
     * @param help {@code --help} or {@code -h}
     * @return the usage
     * @throws IllegalArgumentException for any other argument, naming it and how the command is called
     */
    @Descriptor("print this command's usage (--help or -h)")
    public String redis(@Descriptor("--help or -h") String help) {
        if (!"--help".equals(help) && !"-h".equals(help)) {
            throw new IllegalArgumentException("goflow:redis does not take one argument ('" + help
                    + "'): goflow:redis; goflow:redis --help tells more");
        }
        return "goflow:redis\n    " + DESCRIPTION + "\n\n    goflow:redis --help (or -h) prints this\n";
    }

    /**
     * The rows aligned: the first column (the limiter's name) left-aligned and padded to the
     * longest name, the others right-aligned, two spaces apart.
     */
    private static String table(List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], r[i].codePointCount(0, r[i].length()));
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] r : rows) {
            for (int i = 0; i < width.length; i++) {
                String pad = " ".repeat(width[i] - r[i].codePointCount(0, r[i].length()));
                sb.append(i == 0 ? r[i] + pad + "  " : i == 1 ? pad + r[i] : "  " + pad + r[i]);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

}
