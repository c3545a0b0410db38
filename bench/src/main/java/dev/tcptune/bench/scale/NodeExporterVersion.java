package dev.tcptune.bench.scale;

/** The node_exporter the footprint baseline is built from (bench/build-node-exporter.sh). */
final class NodeExporterVersion {
  static final String VERSION = "v1.10.1";

  private NodeExporterVersion() {}
}
