package dev.tcptune.operator;

/**
 * Informers of Nodes and node states list in pages of this many objects. A kubelet's Node is tens
 * of KiB: one unpaged list of 1,000 of them is decoded whole, three informers at once, and that
 * transient peak alone ran the operator's heap (134 MiB in the chart) out of memory at start.
 */
final class ListPages {

  static final long SIZE = 250;

  private ListPages() {}
}
