/**
 * Stream sources, each a Declarative Services component registering a
 * {@link goflow.api.stream.StreamSource} service with {@code goflow.source.name}:
 * {@code counter} (numbers, optionally paced), {@code lines} (the lines of a file) and
 * {@code orders} (generated {@code key=value} order lines, for demonstrations and tests).
 * Private to this bundle: nothing is exported.
 */
package goflow.plugin.sources;
