/**
 * The metrics of goflow primitives: {@link goflow.metrics.MetricCatalog} names one metric family
 * per statistic of every {@link goflow.api.inspect.Stats} snapshot (its type, unit and meaning),
 * {@link goflow.metrics.Samples} turns the rows of a {@link goflow.api.inspect.Registry} into
 * labelled samples, and {@link goflow.metrics.PrometheusText} writes them in the Prometheus text
 * exposition format 0.0.4. goflow.web serves that text at {@code /metrics}; goflow.micrometer
 * registers the same families with a Micrometer registry; a plain JVM service can serve it from
 * any HTTP server.
 */
@Export
@Version("0.1.0")
package goflow.metrics;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
