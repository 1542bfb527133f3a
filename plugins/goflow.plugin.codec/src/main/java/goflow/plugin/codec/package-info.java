/**
 * Codec stages, each a Declarative Services component registering a
 * {@link goflow.api.pipeline.Stage} service with {@code goflow.stage.name}:
 * {@code base64-encode}, {@code base64-decode}, {@code sha256} (hex digest) and {@code length}.
 * Texts are UTF-8: a text with a lone surrogate, which has no UTF-8 form, fails the item. The
 * container does not include this bundle: it is the example of a plugin hot-deployed by copying
 * its jar into {@code deploy/}. Private to this bundle.
 */
package goflow.plugin.codec;
