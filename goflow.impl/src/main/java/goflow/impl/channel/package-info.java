/**
 * Implementation of {@link goflow.api.channel.BackpressureChannel} and {@link goflow.api.channel.Channels}.
 * Private to this bundle.
 */
package goflow.impl.channel;
