package dev.tcptune.kernel.exec;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads files of /proc. procfs reports a size of 0 (or a page) whatever the content, and the JDK's
 * size-guided {@code Files.readString} then returns a truncated value ("4" for somaxconn 4096), so
 * these files are read as a stream to the end.
 */
public final class ProcFiles {

  private ProcFiles() {}

  /** The whole content of a /proc file. */
  public static String read(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
