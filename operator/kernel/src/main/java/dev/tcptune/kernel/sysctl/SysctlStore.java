package dev.tcptune.kernel.sysctl;

import java.util.Optional;

/**
 * The sysctls of one network namespace. An interface because writing real sysctls needs root and a
 * namespace; the planner, applier and restorer are tested against {@link InMemorySysctlStore}.
 * Values crossing this interface are normalized with {@link SysctlValues#normalize}.
 */
public interface SysctlStore {

  /** The current value, or empty when the key does not exist on this kernel. */
  Optional<String> read(String key);

  /**
   * Writes a value, as {@code sysctl -w} does.
   *
   * @throws SysctlWriteException naming the key, the value and the kernel's error (also when the
   *     key does not exist)
   */
  void write(String key, String value) throws SysctlWriteException;
}
