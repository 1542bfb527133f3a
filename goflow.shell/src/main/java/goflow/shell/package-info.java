/**
 * Gogo shell commands in scope {@code goflow}. Private to this bundle.
 */
package goflow.shell;
