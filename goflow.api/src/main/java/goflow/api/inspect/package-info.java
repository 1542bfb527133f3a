/**
 * The live view of goflow primitives that the Gogo shell and JMX read: a
 * {@link goflow.api.inspect.Registry} of named primitives and their
 * {@link goflow.api.inspect.Stats statistics snapshots}.
 */
@Export
@Version("0.3.0")
package goflow.api.inspect;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
