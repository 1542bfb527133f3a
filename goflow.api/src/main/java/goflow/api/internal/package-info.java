/**
 * Implementation classes of the goflow.api bundle that its exported packages use, such as the
 * derivation of {@link goflow.api.inspect.Stats#toMap()}. Not API: this package and its
 * sub-packages are exported neither in OSGi nor in JPMS and may change in any release; use the
 * entry points of the exported packages instead.
 */
package goflow.api.internal;
