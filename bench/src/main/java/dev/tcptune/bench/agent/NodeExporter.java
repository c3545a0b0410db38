package dev.tcptune.bench.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * node_exporter, the baseline for the agent's footprint: built from the Go module proxy (no
 * prebuilt download) into bench/target/node-exporter, once.
 */
final class NodeExporter {

  static final String VERSION = "v1.9.1";

  private NodeExporter() {}

  /**
   * The binary, built now when missing; empty (with the reason printed) when Go cannot build it.
   */
  static Optional<Path> binary(Path repo) throws InterruptedException {
    Path dir = repo.resolve("bench/target/node-exporter-" + VERSION);
    Path binary = dir.resolve("node_exporter");
    if (Files.isExecutable(binary)) {
      return Optional.of(binary);
    }
    try {
      Files.createDirectories(dir);
      ProcessBuilder build =
          new ProcessBuilder("go", "install", "github.com/prometheus/node_exporter@" + VERSION)
              .inheritIO();
      String home = System.getProperty("user.home");
      String gopath =
          Optional.ofNullable(System.getenv("TCPTUNE_GOPATH")).orElse(home + "/.cache/tcptune-go");
      build.environment().put("GOBIN", dir.toString());
      build.environment().put("GOPATH", gopath);
      build.environment().put("GOMODCACHE", gopath + "/pkg/mod");
      build.environment().put("GOCACHE", gopath + "/build-cache");
      build.environment().put("GOFLAGS", "-mod=mod");
      build.environment().put("CGO_ENABLED", "0");
      System.out.println("    building node_exporter " + VERSION + " from the Go module proxy");
      if (build.start().waitFor() == 0 && Files.isExecutable(binary)) {
        return Optional.of(binary);
      }
    } catch (IOException e) {
      System.out.println("    cannot build node_exporter: " + e.getMessage());
    }
    return Optional.empty();
  }
}
