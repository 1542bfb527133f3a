/**
 * The OSGi runtime: Declarative Services components (the bundle-scoped {@code GoFlow} service, the
 * live registry, JMX, configured primitives). The OSGi annotations are build-time only; classes
 * that reference OSGi types at run time are loaded only inside a framework.
 */
package goflow.impl.osgi;
