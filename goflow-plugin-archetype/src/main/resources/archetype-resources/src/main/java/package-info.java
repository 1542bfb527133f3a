/**
 * A goflow plugin: the stage {@code ${stageName}} ({@link ${package}.ReverseStage}) and the stream
 * source {@code ${sourceName}} ({@link ${package}.WordsSource}), each a Declarative Services
 * component registering a {@code goflow.api} plugin service under its name. Private to this bundle:
 * nothing is exported.
 */
package ${package};
