/**
 * The goflow entry point, the exception hierarchy, the injectable {@link goflow.api.Clock} and the
 * {@link goflow.api.Primitive} contract that every named primitive shares.
 *
 * <p>Start with {@link goflow.api.GoFlow#load()} on a plain JVM, or reference the {@code GoFlow}
 * service in an OSGi framework.
 */
@Export
@Version("0.3.0")
package goflow.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
