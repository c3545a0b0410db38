package dev.tcptune.bench.scale;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the CPU of a convergence step goes: the API server and etcd (their processes, found by the
 * API server's port) and this whole JVM (the operator and every simulated agent; JFR tells them
 * apart). On 2 cores a step cannot take less than the API server's CPU seconds over 2.
 */
final class CpuMeter {

  private static final Pattern ETCD_PORT = Pattern.compile("--etcd-servers[= ]\\S*:(\\d+)");

  /** CPU seconds so far (negative where the process was not found). */
  record Reading(double apiServer, double etcd, double jvm) {
    Reading minus(Reading before) {
      return new Reading(apiServer - before.apiServer, etcd - before.etcd, jvm - before.jvm);
    }

    @Override
    public String toString() {
      return String.format(
          "CPU s: kube-apiserver %.1f, etcd %.1f, benchmark JVM (operator + agents) %.1f",
          apiServer, etcd, jvm);
    }
  }

  private final OptionalLong apiServer;
  private final OptionalLong etcd;

  CpuMeter(String masterUrl) {
    int port = URI.create(masterUrl).getPort();
    apiServer =
        find(c -> c.contains("kube-apiserver") && c.contains("--secure-port " + port + " "));
    Optional<String> etcdPort =
        apiServer.isPresent()
            ? cmdline(apiServer.getAsLong())
                .map(ETCD_PORT::matcher)
                .filter(Matcher::find)
                .map(m -> m.group(1))
            : Optional.empty();
    etcd =
        etcdPort.isPresent()
            ? find(
                c ->
                    c.contains("etcd ")
                        && c.contains("--listen-client-urls")
                        && c.contains(":" + etcdPort.get() + " "))
            : OptionalLong.empty();
  }

  Reading read() {
    return new Reading(seconds(apiServer), seconds(etcd), ownSeconds(selfPid()));
  }

  /**
   * The JVM's own threads alone: the local control plane's kube-apiserver and etcd are this JVM's
   * child processes, and counting descendants would count them twice.
   */
  private static double ownSeconds(long pid) {
    try {
      return ProcSampler.ownCpuSeconds(pid);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static long selfPid() {
    return ProcessHandle.current().pid();
  }

  private static double seconds(OptionalLong pid) {
    if (pid.isEmpty()) {
      return -1;
    }
    try {
      return ProcSampler.cpuSeconds(pid.getAsLong());
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static OptionalLong find(Predicate<String> matches) {
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      List<Long> pids =
          procs
              .map(p -> p.getFileName().toString())
              .filter(n -> n.chars().allMatch(Character::isDigit))
              .map(Long::parseLong)
              .filter(pid -> cmdline(pid).filter(matches).isPresent())
              .toList();
      return pids.size() == 1 ? OptionalLong.of(pids.get(0)) : OptionalLong.empty();
    } catch (IOException e) {
      return OptionalLong.empty();
    }
  }

  private static Optional<String> cmdline(long pid) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(pid), "cmdline"));
      byte[] spaced = Arrays.copyOf(raw, raw.length);
      for (int i = 0; i < spaced.length; i++) {
        if (spaced[i] == 0) {
          spaced[i] = ' ';
        }
      }
      return Optional.of(new String(spaced, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
