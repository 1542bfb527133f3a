package goflow.web;

import java.util.Map;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.ResultLog;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * Felix Health Check {@code goflow worker pools}: the queue saturation of every worker pool (thresholds: {@link HealthConfig}).
 *
 * <p>Thread-safe, as {@link GoFlowHealthCheck}.
 */
@Component(service = HealthCheck.class, configurationPid = HealthConfig.PID, property = {
    HealthCheck.NAME + "=goflow worker pools",
    HealthCheck.TAGS + "=" + GoFlowHealthCheck.TAG,
    HealthCheck.TAGS + "=goflow-worker-pools"
})
@Designate(ocd = HealthConfig.class)
public final class PoolHealthCheck extends GoFlowHealthCheck {
    /**
     * Creates the check.
     *
     * @param sampler the live figures and their history
     * @param config the thresholds
     * @param properties the raw properties, for a value that cannot be used ({@link Thresholds#configured})
     */
    @Activate
    public PoolHealthCheck(@Reference Sampler sampler, HealthConfig config, Map<String, Object> properties) {
        this(sampler, Thresholds.configured(config, properties));
    }

    PoolHealthCheck(Sampler sampler, Thresholds thresholds) {
        super(sampler, thresholds);
    }

    @Override
    ResultLog judge(Window window, Frame now, Thresholds t) {
        return HealthRules.pools(now, t);
    }
}
