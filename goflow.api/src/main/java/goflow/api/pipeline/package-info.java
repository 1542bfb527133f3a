/**
 * Multi-stage pipelines: a fixed sequence of named {@link goflow.api.pipeline.Stage stages} that
 * an input passes through, one execution at a time ({@link goflow.api.pipeline.Pipeline#execute})
 * or many items concurrently ({@link goflow.api.pipeline.Pipeline#stream() streaming mode}), with
 * per-pipeline and per-stage statistics and listeners.
 *
 * <p>{@link goflow.api.pipeline.Stage} is the plugin contract: in OSGi, a bundle registers a
 * {@code Stage} service with the property {@link goflow.api.pipeline.Stage#NAME_PROPERTY} and
 * pipelines configured by stage names pick it up through a
 * {@link goflow.api.pipeline.StageRegistry}.
 */
@Export
@Version("0.3.0")
package goflow.api.pipeline;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
