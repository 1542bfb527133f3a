/**
 * Functional interfaces whose single method may throw checked exceptions: the functions goflow
 * runs on your behalf and that often block or do I/O, such as pipeline stage bodies
 * ({@code PipelineBuilder.stage(name, fn)}) and the element functions of streams ({@code map},
 * {@code filter}, {@code mapConcurrent}, {@code forEach}, ...). They are the
 * {@code java.util.function} shapes with {@code throws Exception}, and extend nothing, so a
 * lambda or a method reference fits them exactly as it fits the JDK type; an existing JDK
 * function {@code f} is passed as {@code f::apply} (or {@code p::test}, {@code c::accept}).
 *
 * <p>What happens to an exception is decided by the operation that runs the function and is
 * documented there; the rule throughout goflow is that unchecked exceptions and errors are passed
 * on unchanged, checked ones are delivered with their cause unchanged, and an
 * {@link java.lang.InterruptedException} keeps its meaning (it ends the work as interrupted).
 *
 * <p>This package has no dependencies, so every other goflow package can use it.
 */
@Export
@Version("0.1.0")
package goflow.api.function;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
