package goflow.web;

import org.apache.felix.hc.api.HealthCheck;
import org.apache.felix.hc.api.Result;
import org.apache.felix.hc.api.ResultLog;

/**
 * What the health checks of the families share: a frame taken now is judged against the frame at
 * the start of the window, from the sampler's history; when the history covers less than the
 * window, against its oldest frame, and the messages say the time covered ({@link Window}).
 *
 * <p>Thread-safe: the fields are final and the sampler is thread-safe.
 */
abstract class GoFlowHealthCheck implements HealthCheck {
    /** The tag every goflow check carries ({@code /system/health/goflow}, {@code hc:exec -t goflow}). */
    static final String TAG = "goflow";

    private final Sampler sampler;
    private final Thresholds thresholds;

    GoFlowHealthCheck(Sampler sampler, Thresholds thresholds) {
        this.sampler = sampler;
        this.thresholds = thresholds;
    }

    @Override
    public final Result execute() {
        Frame now = sampler.now();
        return new Result(judge(sampler.history().window(now.nanos(), thresholds.window()), now, thresholds));
    }

    /**
     * Judges the family.
     *
     * @param window the frame at the start of the window (or of a shorter history), and how the
     *     messages name the time it covers
     * @param now a frame taken now
     * @param t the thresholds
     * @return one entry per primitive of the family
     */
    abstract ResultLog judge(Window window, Frame now, Thresholds t);
}
