/**
 * JMX: an MBean per live primitive with its statistics (JDK only). Used by the OSGi runtime, and
 * on a plain JVM when the system property {@code goflow.jmx=true} is set.
 */
package goflow.impl.jmx;
