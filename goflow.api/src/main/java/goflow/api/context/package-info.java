/**
 * Cancellation, deadlines and request-scoped values that flow from a caller into every blocking
 * goflow operation, modelled on Go's {@code context} package.
 *
 * <p>A {@link goflow.api.context.Context} is immutable apart from becoming done; derive children
 * with {@code withCancel}, {@code withTimeout}, {@code withDeadline} and {@code withValue}.
 * Cancellation flows from a parent to its children, never back.
 */
@Export
@Version("0.1.0")
package goflow.api.context;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
