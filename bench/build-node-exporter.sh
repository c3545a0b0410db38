#!/usr/bin/env bash
# Builds node_exporter, the baseline of the agent footprint benchmark, from the Go module proxy
# (no prebuilt download) into ~/.cache/tcptune-bench/bin; a no-op when that version is there.
# The version must match dev.tcptune.bench.scale.NodeExporterVersion.
set -euo pipefail
version=v1.10.1
bin="${TCPTUNE_BENCH_CACHE:-$HOME/.cache/tcptune-bench}/bin"
# go install does not stamp the version into the binary: a file beside it says which it is.
if [[ -x "$bin/node_exporter" && "$(cat "$bin/node_exporter.version" 2>/dev/null)" == "$version" ]]; then
  exit 0
fi
mkdir -p "$bin"
echo "building node_exporter $version from the Go module proxy into $bin (a few minutes, once)"
GOFLAGS=-mod=mod GOBIN="$bin" go install "github.com/prometheus/node_exporter@$version"
echo "$version" > "$bin/node_exporter.version"
