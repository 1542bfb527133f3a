/**
 * Bounded channels with backpressure and the utilities that connect them.
 *
 * <p>A {@link goflow.api.channel.BackpressureChannel} is a bounded FIFO queue between threads whose
 * {@link goflow.api.channel.OverflowStrategy} decides what a send into a full channel does: wait,
 * drop the new value, drop the oldest value, or fail. Closing a channel lets receivers drain what
 * remains. {@link goflow.api.channel.Channels} (from {@link goflow.api.GoFlow#channels()}) connects
 * channels: merge (fan-in), fan-out, tee, batch and pipe, each running as a
 * {@link goflow.api.channel.ChannelLink} that stops when its sources end or its context is cancelled.
 */
@Export
@Version("0.3.0")
package goflow.api.channel;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
