/**
 * The context tree behind {@link goflow.api.context.Context}: the root ({@code Background}), the
 * cancellable node with its deadline ({@code CancelNode}) and the value node ({@code ValueNode}).
 * Not API: exported neither in OSGi nor in JPMS; reach it through {@code Context.background()}.
 */
package goflow.api.internal.context;
