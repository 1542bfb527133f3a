/**
 * Lazy, pull-based, single-use streams: {@link goflow.api.stream.Stream}, created through
 * {@link goflow.api.GoFlow#streams()}, and the plugin contract for named sources,
 * {@link goflow.api.stream.StreamSource}, looked up in {@link goflow.api.GoFlow#streamSources()}.
 *
 * <p>A terminal operation drives the whole chain on the calling thread: each element is pulled from
 * the source only when the chain asks for it and travels through every operation before the next
 * one is pulled. Only {@code mapConcurrent} and {@code window} use threads of their own, and those
 * end before the terminal operation returns.
 */
@Export
@Version("0.3.0")
package goflow.api.stream;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
