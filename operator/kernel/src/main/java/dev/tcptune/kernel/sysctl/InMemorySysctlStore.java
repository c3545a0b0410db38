package dev.tcptune.kernel.sysctl;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link SysctlStore} fake for unit tests: a map, plus knobs to make a key missing or a write
 * refused (the two failures a real kernel produces), and a log of writes to assert ordering. Not
 * thread-safe; one per test.
 */
public final class InMemorySysctlStore implements SysctlStore {

  private final Map<String, String> values = new LinkedHashMap<>();
  private final Map<String, String> refusals = new LinkedHashMap<>();
  private final List<String> writes = new ArrayList<>();

  /** An empty store: every key is missing until {@link #put} adds it. */
  public InMemorySysctlStore() {}

  /** A store holding {@code initial} (normalized). */
  public InMemorySysctlStore(Map<String, String> initial) {
    initial.forEach(this::put);
  }

  /** Sets a value as if the kernel had it (no write is logged). */
  public InMemorySysctlStore put(String key, String value) {
    values.put(key, SysctlValues.normalize(value));
    return this;
  }

  /** Makes {@code key} absent, as on a kernel that lacks it. */
  public InMemorySysctlStore markMissing(String key) {
    values.remove(key);
    return this;
  }

  /** Makes every write of {@code key} fail with {@code reason}, as the kernel's EINVAL would. */
  public InMemorySysctlStore refuseWrites(String key, String reason) {
    refusals.put(key, reason);
    return this;
  }

  /** Every successful write, as {@code "key=value"}, in order. */
  public List<String> writes() {
    return List.copyOf(writes);
  }

  /** A copy of the current values. */
  public Map<String, String> snapshot() {
    return new LinkedHashMap<>(values);
  }

  @Override
  public Optional<String> read(String key) {
    return Optional.ofNullable(values.get(key));
  }

  @Override
  public void write(String key, String value) throws SysctlWriteException {
    String normalized = SysctlValues.normalize(value);
    if (!values.containsKey(key)) {
      throw new SysctlWriteException(key, normalized, "the key does not exist on this kernel");
    }
    String reason = refusals.get(key);
    if (reason != null) {
      throw new SysctlWriteException(key, normalized, reason);
    }
    values.put(key, normalized);
    writes.add(key + "=" + normalized);
  }
}
