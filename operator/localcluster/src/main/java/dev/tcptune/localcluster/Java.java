package dev.tcptune.localcluster;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The JVM and the jar this process runs from, to start more processes of the same build. */
public final class Java {

  private Java() {}

  /** The {@code java} binary of the running JVM. */
  public static String binary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * The jar that holds {@code type}.
   *
   * @throws IllegalStateException when it was loaded from a class directory, not a jar
   */
  public static Path jarOf(Class<?> type) {
    try {
      Path location = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isRegularFile(location) || !location.toString().endsWith(".jar")) {
        throw new IllegalStateException(
            "not running from a jar ("
                + location
                + "): build it with `mvn -B -q package -DskipTests` and run"
                + " `java -jar operator/app/target/tcptune.jar`");
      }
      return location;
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the jar of " + type, e);
    }
  }
}
