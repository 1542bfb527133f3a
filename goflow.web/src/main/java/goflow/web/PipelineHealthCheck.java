package goflow.web;

import java.util.Map;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.ResultLog;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Felix Health Check {@code goflow pipelines}: the failure ratio of every pipeline over the window (thresholds: {@link HealthConfig}).
 *
 * <p>Thread-safe, as {@link GoFlowHealthCheck}.
 */
@Component(service = HealthCheck.class, configurationPid = HealthConfig.PID, property = {
    HealthCheck.NAME + "=goflow pipelines",
    HealthCheck.TAGS + "=" + GoFlowHealthCheck.TAG,
    HealthCheck.TAGS + "=goflow-pipelines"
})
public final class PipelineHealthCheck extends GoFlowHealthCheck {
    /**
     * Creates the check.
     *
     * @param sampler the live figures and their history
     * @param config the thresholds
     * @param properties the raw properties, for a value that cannot be used ({@link Thresholds#configured})
     */
    @Activate
    public PipelineHealthCheck(@Reference Sampler sampler, HealthConfig config, Map<String, Object> properties) {
        this(sampler, Thresholds.configured(config, properties));
    }

    PipelineHealthCheck(Sampler sampler, Thresholds thresholds) {
        super(sampler, thresholds);
    }

    @Override
    ResultLog judge(Window window, Frame now, Thresholds t) {
        return HealthRules.pipelines(window, now, t);
    }
}
