/** Implementation of {@link goflow.api.io.AsyncWriter}. Private to this bundle. */
package goflow.impl.io;
