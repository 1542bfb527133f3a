/**
 * Asynchronous buffered output: {@link goflow.api.io.AsyncWriter} accepts bytes into a fixed-size
 * buffer and writes them to an {@link java.io.OutputStream} or {@link java.io.Writer} from one
 * background thread, never losing or reordering what it accepted.
 */
@Export
@Version("0.3.0")
package goflow.api.io;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
