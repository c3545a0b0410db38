package dev.tcptune.profile;

import dev.tcptune.api.v1alpha1.TcpProfileSpec;
import dev.tcptune.kernel.catalog.Tunable;
import java.util.Optional;
import java.util.function.Function;

/**
 * One field of a profile and the sysctl it sets.
 *
 * @param path the field as users write it, e.g. {@code spec.listenQueue.somaxconn}
 * @param tunable the sysctl behind it
 * @param value the value the spec sets, in sysctl form, or empty when the field is absent
 */
public record SettingField(
    String path, Tunable tunable, Function<TcpProfileSpec, Optional<String>> value) {

  /** The value this field has in a spec, empty when unset. */
  public Optional<String> valueIn(TcpProfileSpec spec) {
    return value.apply(spec);
  }
}
