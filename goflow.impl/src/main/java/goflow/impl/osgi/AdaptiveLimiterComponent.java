package goflow.impl.osgi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

import goflow.api.GoFlow;
import goflow.api.InvalidConfigException;
import goflow.api.Primitive;
import goflow.api.ratelimit.AdaptiveAlgorithm;
import goflow.api.ratelimit.AdaptiveLimiter;
import goflow.api.ratelimit.AdaptiveLimiterBuilder;
import goflow.api.ratelimit.AimdLimit;
import goflow.api.ratelimit.ConcurrencyGate;
import goflow.api.ratelimit.GradientLimit;
import goflow.api.ratelimit.VegasLimit;
import goflow.impl.GoFlowImpl;

/**
 * An adaptive limiter per factory configuration {@value AdaptiveLimiterConfig#PID}: registered with
 * {@code goflow.name} as an {@link AdaptiveLimiter} and a {@link ConcurrencyGate}; any change
 * recreates it (its limit is learned again), and a change that is rejected leaves the limiter in
 * effect as it was (checked by a dry run first); deleting the configuration closes it.
 *
 * <p>Thread-safe: see {@link Configured}.
 */
@Component(configurationPid = AdaptiveLimiterConfig.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        service = {})
@Designate(ocd = AdaptiveLimiterConfig.class, factory = true)
public final class AdaptiveLimiterComponent extends ConfiguredComponent<AdaptiveLimiterConfig, AdaptiveLimiter> {
    private static final String LABEL = "adaptive-limiter";

    static final Configured.Kind<AdaptiveLimiterConfig, AdaptiveLimiter> KIND = new Configured.Kind<>(
            AdaptiveLimiterConfig.PID, LABEL, AdaptiveLimiterConfig.class,
            AdaptiveLimiter.class, ConcurrencyGate.class, Primitive.class) {
        @Override
        String name(AdaptiveLimiterConfig config) {
            return config.name();
        }

        @Override
        List<Object> fixed(AdaptiveLimiterConfig config) {
            return List.of(config.algorithm(), config.initialLimit(), config.minLimit(), config.maxLimit(),
                    config.windowTime(), config.windowSamples(), List.of(config.partitions()),
                    config.aimdBackoffRatio(), config.aimdIncrease(), config.aimdTimeout(), config.vegasAlpha(),
                    config.vegasBeta(), config.gradientBuffer(), config.gradientRefreshWindows());
        }

        @Override
        void check(AdaptiveLimiterConfig config) {
            dryRun(config); // the limiter has no thread and no outside effect, and the builder checks everything
        }

        @Override
        AdaptiveLimiter build(GoFlow goflow, AdaptiveLimiterConfig config, String name) {
            AdaptiveLimiterBuilder b = goflow.adaptiveLimiter().name(name).algorithm(algorithm(config))
                    .initialLimit(config.initialLimit()).minLimit(config.minLimit()).maxLimit(config.maxLimit());
            java.time.Duration windowTime = Configured.duration(LABEL, "windowTime", config.windowTime(), null);
            try {
                b.window(windowTime, config.windowSamples());
            } catch (InvalidConfigException e) {
                // the builder's "window minTime" and "window minSamples"
                throw renamed(e, e.field().endsWith("Time") ? "windowTime" : "windowSamples");
            }
            List<Partition> partitions = partitions(config.partitions());
            for (int i = 0; i < partitions.size(); i++) {
                Partition p = partitions.get(i);
                try {
                    b.partition(p.name(), p.share());
                } catch (InvalidConfigException e) {
                    // the builder blames "name", "partition" or "partition <name> share": name the entry instead
                    String what = e.field().equals("name") ? "has a name that" : e.field().equals("partition")
                            ? "names a partition that" : "has a share that";
                    throw new InvalidConfigException(LABEL, "partitions", config.partitions()[i], what + " "
                            + e.rule(), e.hint() == null || e.hint().isEmpty() ? "e.g. batch=0.2" : e.hint());
                }
            }
            return b.build();
        }

        @Override
        List<Configured.Change> live(GoFlowImpl goflow, AdaptiveLimiter l, AdaptiveLimiterConfig config) {
            return none(goflow, l); // every setting is fixed; a limiter closed by a user of its service is recreated
        }
    };

    /**
     * Creates and registers the limiter (or logs why the configuration is rejected).
     *
     * @param context this bundle's context
     * @param properties the configuration's properties
     * @param live the live registry
     */
    @Activate
    public AdaptiveLimiterComponent(BundleContext context, Map<String, Object> properties,
            @Reference LiveRegistry live) {
        super(Configured.start(context, properties, live, null, KIND));
    }

    /** The algorithm the configuration names, with its parameters. */
    static AdaptiveAlgorithm algorithm(AdaptiveLimiterConfig config) {
        String algorithm = config.algorithm().trim().toLowerCase(java.util.Locale.ROOT);
        try {
            switch (algorithm) {
                case "gradient":
                    return new GradientLimit(config.gradientBuffer(), config.gradientRefreshWindows());
                case "vegas":
                    return new VegasLimit(config.vegasAlpha(), config.vegasBeta());
                case "aimd":
                    return new AimdLimit(config.aimdBackoffRatio(), config.aimdIncrease(),
                            Configured.duration(LABEL, "aimdTimeout", config.aimdTimeout(), null));
                default:
                    throw new InvalidConfigException(LABEL, "algorithm", config.algorithm(),
                            "must be gradient, vegas or aimd", "the algorithm that moves the limit");
            }
        } catch (InvalidConfigException e) {
            if (e.field().equals("algorithm") || e.field().startsWith(algorithm)) {
                throw e; // already names the property
            }
            // the algorithm's own parameter names ("alpha"): the property is prefixed ("vegasAlpha")
            throw renamed(e, algorithm + Character.toUpperCase(e.field().charAt(0)) + e.field().substring(1));
        }
    }

    /** The same rejection, blamed on the configuration property {@code property}. */
    private static InvalidConfigException renamed(InvalidConfigException e, String property) {
        return new InvalidConfigException(LABEL, property, e.value(), e.rule(), e.hint());
    }

    /** One {@code name=share} entry of {@code partitions}. */
    record Partition(String name, double share) { }

    /** Parses the {@code partitions} entries ({@code name=share}); the builder checks names and shares. */
    static List<Partition> partitions(String[] entries) {
        List<Partition> out = new ArrayList<>();
        for (String entry : entries) {
            int eq = entry.indexOf('=');
            if (eq < 0) {
                throw new InvalidConfigException(LABEL, "partitions", entry, "must be name=share",
                        "e.g. batch=0.2: a share of the limit in (0, 1]");
            }
            String share = entry.substring(eq + 1).trim();
            try {
                out.add(new Partition(entry.substring(0, eq).trim(), Double.parseDouble(share)));
            } catch (NumberFormatException e) {
                throw new InvalidConfigException(LABEL, "partitions", entry, "must be name=share with a number "
                        + "for the share", "e.g. batch=0.2: a share of the limit in (0, 1]");
            }
        }
        return out;
    }
}
