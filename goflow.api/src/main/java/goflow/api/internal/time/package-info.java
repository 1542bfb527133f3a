/**
 * The system clock and its timer thread behind {@link goflow.api.Clock#system()}. Not API:
 * exported neither in OSGi nor in JPMS; reach it through {@code Clock.system()}.
 */
package goflow.api.internal.time;
