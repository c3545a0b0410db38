/**
 * Socket statistics of one network namespace: pure parsers over /proc/net text and {@code ss}
 * output, snapshots, and rates between two snapshots (the counters are cumulative since boot).
 */
package dev.tcptune.kernel.stats;
