/**
 * Text stages, each a Declarative Services component registering a
 * {@link goflow.api.pipeline.Stage} service with {@code goflow.stage.name}: {@code trim},
 * {@code lower}, {@code upper}, {@code grep} (regular expression filter), {@code replace}
 * (regular expression replacement) and {@code split}. Every stage takes a text or a list of texts
 * (a list is processed element by element, so the stages compose after {@code split}). Private
 * to this bundle: nothing is exported.
 */
package goflow.plugin.text;
