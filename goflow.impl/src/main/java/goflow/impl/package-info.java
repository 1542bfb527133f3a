/**
 * The goflow implementation entry point. Private to this bundle and module: nothing here is
 * exported.
 */
package goflow.impl;
