/**
 * The container's set-up, run by the bundle activator before FileInstall and the shell start:
 * the {@code deploy/} folder (with the default configuration when it is created), a shell profile
 * for non-interactive scripts, and the launcher's exit code. Private to this bundle.
 */
package goflow.container;
