package goflow.web;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration of goflow.web (PID {@value #PID}). The HTTP address and port are those of the
 * Servlet Whiteboard implementation (Felix HTTP Jetty: {@code org.apache.felix.http.host},
 * {@code org.osgi.service.http.port}, PID {@code org.apache.felix.http}).
 */
@ObjectClassDefinition(id = WebConfig.PID, name = "goflow web",
        description = "The /goflow dashboard and the sampler behind its charts and the windowed health checks.")
public @interface WebConfig {
    /** The PID. */
    String PID = "goflow.web";

    /**
     * Whether the dashboard may change primitives.
     *
     * @return false unless enabled
     */
    @AttributeDefinition(name = "Live changes from the dashboard",
            description = "Allow POST /goflow/api/change (rate, burst, capacity, workers) from the dashboard, protected"
                    + " by a same-origin check and a token bound to a cookie (no HTTP session). Off by default: no endpoint changes state.")
    boolean controls_enabled() default false;

    /**
     * The origins allowed to send live changes, instead of the address each request was sent to:
     * needed behind a TLS-terminating reverse proxy, where the page is {@code https} and the
     * servlet sees {@code http}. A malformed origin is logged and left out ({@link Csrf#origins}).
     *
     * @return origins such as {@code https://dash.example.com}; none by default
     */
    @AttributeDefinition(name = "Origins allowed to change", required = false, cardinality = 100,
            description = "The origins (scheme://host[:port]) the dashboard page is served from, e.g."
                    + " https://dash.example.com behind a TLS-terminating reverse proxy; a list, or one text with"
                    + " commas. Empty (default): the address each request was sent to. X-Forwarded-* headers are"
                    + " not trusted. A malformed origin is logged at ERROR and left out.")
    String[] controls_origins() default {};

    /**
     * The sampling interval.
     *
     * @return an ISO-8601 duration
     */
    @AttributeDefinition(name = "Sample interval",
            description = "How often every primitive's figures are recorded for the charts and the health checks"
                    + " (ISO-8601, from PT0.1S to PT1M).")
    String sample_interval() default "PT1S";

    /**
     * How many samples are kept, at most: fewer when their numbers would take more than about 32 MB
     * (many primitives), but at least 2.
     *
     * @return from 2 to 100000
     */
    @AttributeDefinition(name = "History", min = "2", max = "100000",
            description = "Samples kept at most (the charts show them; the health check window cannot look further"
                    + " back). Their memory is bounded at about 32 MB whatever the number of primitives: with many"
                    + " (more than about 900 token buckets at 600 samples) fewer are kept, at least 2, and it is"
                    + " logged; a longer sample interval then covers more time.")
    int history() default 600;
}
