package dev.tcptune.kernel.apply;

import java.util.Objects;

/**
 * What the journal remembers of one sysctl: the value found before tcptune's first write, and the
 * value tcptune wrote last. Restore puts {@code original} back only while the key still holds
 * {@code lastWritten}; any other value belongs to another writer and is left alone.
 *
 * @param key the sysctl key
 * @param original the value before tcptune first wrote it, normalized
 * @param lastWritten the value tcptune wrote (or is about to write) most recently, normalized
 */
public record SettingOriginal(String key, String original, String lastWritten) {

  public SettingOriginal {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(original, "original");
    Objects.requireNonNull(lastWritten, "lastWritten");
  }
}
