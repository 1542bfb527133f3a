/**
 * JMH benchmarks of goflow against its peers, the accuracy check of the rate limiters, and the
 * report that turns a JMH JSON result into a Markdown table of ratios. See docs/benchmarks.md.
 */
package goflow.bench;
