/**
 * The stream implementation: {@link goflow.impl.stream.StreamImpl} and its stages.
 *
 * <p>Execution model. A chain of operations is a linked list of {@link goflow.impl.stream.StreamNode}s,
 * each holding its upstream. A terminal operation calls the last stage's
 * {@code forEachWhile(run, sink)}, which calls its upstream's with a sink wrapping the terminal's,
 * down to the source, which loops over its elements and pushes each through the sinks. A sink
 * returns {@code false} to stop the loop, which is how {@code limit}, {@code findFirst} and the
 * other short-circuiting operations stop pulling. This is demand-driven (no element is pulled
 * before the previous one has gone through the chain), allocates nothing per element, and keeps
 * the hot loop monomorphic enough for the JIT, like {@code java.util.stream}'s sequential path.
 * Private to this bundle.
 */
package goflow.impl.stream;
