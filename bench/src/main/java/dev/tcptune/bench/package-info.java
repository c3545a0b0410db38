/**
 * Benchmarks of docs/benchmarks.md: each figure is measured next to the baseline a user would use
 * instead (sysctl, ip, ss, node_exporter), in the same run.
 */
package dev.tcptune.bench;
