/**
 * goflow over HTTP, the OSGi way: Declarative Services components that register Jakarta servlets
 * with the Servlet Whiteboard ({@code /metrics}, {@code /goflow}) and Apache Felix Health Checks
 * (tag {@code goflow}) over the live {@link goflow.api.inspect.Registry}. Not exported.
 */
package goflow.web;
