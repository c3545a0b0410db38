package dev.tcptune.kernel.exec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The effective capabilities of a process, as the {@code CapEff} line of {@code /proc/<pid>/status}
 * shows them. Kernel writers check them before anything is written, so that a process without the
 * privilege it needs fails at start with the name of that privilege instead of half-applying a
 * plan.
 *
 * <p>What tuning needs, measured on Linux 6.18 in a network namespace with every other capability
 * dropped: {@code ip route change} needs {@code CAP_NET_ADMIN}; writing {@code /proc/sys/net} needs
 * uid 0 or {@code CAP_NET_ADMIN} (the kernel's {@code net_ctl_permissions}); reading sysctls and
 * {@code ss} need nothing.
 *
 * @param effective the {@code CapEff} bit set (bit n is capability number n)
 */
public record Capabilities(long effective) {

  /** {@code CAP_NET_ADMIN}: routes, and {@code /proc/sys/net} for a process that is not uid 0. */
  public static final int CAP_NET_ADMIN = 12;

  /** Capability names by number ({@code include/uapi/linux/capability.h}). */
  private static final List<String> NAMES =
      List.of(
          "CAP_CHOWN",
          "CAP_DAC_OVERRIDE",
          "CAP_DAC_READ_SEARCH",
          "CAP_FOWNER",
          "CAP_FSETID",
          "CAP_KILL",
          "CAP_SETGID",
          "CAP_SETUID",
          "CAP_SETPCAP",
          "CAP_LINUX_IMMUTABLE",
          "CAP_NET_BIND_SERVICE",
          "CAP_NET_BROADCAST",
          "CAP_NET_ADMIN",
          "CAP_NET_RAW",
          "CAP_IPC_LOCK",
          "CAP_IPC_OWNER",
          "CAP_SYS_MODULE",
          "CAP_SYS_RAWIO",
          "CAP_SYS_CHROOT",
          "CAP_SYS_PTRACE",
          "CAP_SYS_PACCT",
          "CAP_SYS_ADMIN",
          "CAP_SYS_BOOT",
          "CAP_SYS_NICE",
          "CAP_SYS_RESOURCE",
          "CAP_SYS_TIME",
          "CAP_SYS_TTY_CONFIG",
          "CAP_MKNOD",
          "CAP_LEASE",
          "CAP_AUDIT_WRITE",
          "CAP_AUDIT_CONTROL",
          "CAP_SETFCAP",
          "CAP_MAC_OVERRIDE",
          "CAP_MAC_ADMIN",
          "CAP_SYSLOG",
          "CAP_WAKE_ALARM",
          "CAP_BLOCK_SUSPEND",
          "CAP_AUDIT_READ",
          "CAP_PERFMON",
          "CAP_BPF",
          "CAP_CHECKPOINT_RESTORE");

  /** The effective capabilities of this process. */
  public static Capabilities ofThisProcess() throws IOException {
    return parseStatus(ProcFiles.read(Path.of("/proc/self/status")));
  }

  /**
   * From the text of {@code /proc/<pid>/status}.
   *
   * @throws IllegalArgumentException when it has no well-formed {@code CapEff} line
   */
  public static Capabilities parseStatus(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("CapEff:")) {
        String hex = line.substring("CapEff:".length()).strip();
        try {
          return new Capabilities(Long.parseUnsignedLong(hex, 16));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("CapEff: '" + hex + "' is not a hexadecimal bit set");
        }
      }
    }
    throw new IllegalArgumentException("no CapEff line in the process status");
  }

  /** True when capability number {@code cap} is effective. */
  public boolean has(int cap) {
    return cap >= 0 && cap < 64 && (effective & (1L << cap)) != 0;
  }

  /** The names of the effective capabilities ({@code CAP_<n>} for numbers this code predates). */
  public List<String> names() {
    List<String> names = new ArrayList<>();
    for (int cap = 0; cap < 64; cap++) {
      if (has(cap)) {
        names.add(cap < NAMES.size() ? NAMES.get(cap) : "CAP_" + cap);
      }
    }
    return names;
  }

  /**
   * Why a process with these capabilities cannot tune routes and sysctls, empty when it can: the
   * message names {@code CAP_NET_ADMIN} and what the process has instead.
   */
  public Optional<String> missingForTuning() {
    if (has(CAP_NET_ADMIN)) {
      return Optional.empty();
    }
    return Optional.of(
        "CAP_NET_ADMIN is missing: `ip route change` (a route's rto_min) needs it, and so does"
            + " writing /proc/sys/net for a process that is not uid 0; this process has "
            + (effective == 0 ? "no capabilities" : String.join(", ", names()))
            + " (CapEff "
            + String.format("%016x", effective)
            + "). Add NET_ADMIN to the container's securityContext.capabilities");
  }
}
