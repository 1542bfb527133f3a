/**
 * Micrometer {@link io.micrometer.core.instrument.binder.MeterBinder}s for goflow primitives:
 * {@link goflow.micrometer.GoFlowMetrics} registers every figure of a primitive (or of every
 * primitive of a {@link goflow.api.inspect.Registry}) as a function counter or gauge, named by
 * {@link goflow.metrics.MetricCatalog} so that a Prometheus registry exports exactly the families
 * of goflow.web's {@code /metrics}.
 */
@Export
@Version("0.1.0")
package goflow.micrometer;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
