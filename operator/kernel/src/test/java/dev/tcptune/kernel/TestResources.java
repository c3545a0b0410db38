package dev.tcptune.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Loads captured text from src/test/resources. */
public final class TestResources {

  private TestResources() {}

  /** The resource at {@code path} (relative to the classpath root) as UTF-8 text. */
  public static String text(String path) {
    try (InputStream in = TestResources.class.getResourceAsStream("/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
