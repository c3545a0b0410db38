package dev.tcptune.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcptune.kernel.exec.CommandResult;
import dev.tcptune.kernel.exec.ProcessCommandRunner;
import dev.tcptune.kernel.testing.TestNetns;
import dev.tcptune.testing.ControlPlane;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image archive that {@code hack/build-image.sh} writes from this build's jar (the test runs
 * the script, a no-op when the archive is up to date), checked as a runtime would read it: the OCI
 * layout's blobs match their digests and sizes, the config says how to run it, and the unpacked
 * file system runs {@code java -jar /tcptune.jar}, {@code ip} and {@code ss} with no container
 * runtime ({@code unshare} into its own mount and PID namespace, chrooted into the layer).
 */
@Tag("kernel")
class ContainerImageIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ProcessCommandRunner RUNNER =
      new ProcessCommandRunner(Duration.ofSeconds(120));

  /** A cold build downloads packages and builds a Go tool: about a minute and a half here. */
  private static final Duration BUILD = Duration.ofMinutes(10);

  @TempDir static Path dir;
  private static Path layout;
  private static Path rootfs;
  private static JsonNode index;
  private static JsonNode manifest;
  private static JsonNode config;
  private static String version;

  @BeforeAll
  static void unpack() throws Exception {
    Path repo = ControlPlane.repositoryRoot();
    Path jar = repo.resolve("operator/app/target/tcptune.jar");
    assertThat(jar).as("the packaged jar (run through mvn verify)").isRegularFile();
    ProcessBuilder build =
        new ProcessBuilder(repo + "/hack/build-image.sh").redirectErrorStream(true);
    build.environment().put("JAR", jar.toString());
    Process process = build.start();
    String log = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(BUILD.toSeconds(), TimeUnit.SECONDS)).as(log).isTrue();
    System.out.print("[image-it] hack/build-image.sh:\n" + log);
    assertThat(process.exitValue()).as(log).isZero();
    Path archive =
        Path.of(
            RUNNER
                .run(List.of(repo + "/hack/build-image.sh", "--print-path"))
                .orThrow()
                .stdout()
                .strip());
    version = archive.getFileName().toString().replaceAll("^tcptune-(.*)\\.oci\\.tar$", "$1");
    layout = Files.createDirectories(dir.resolve("layout"));
    RUNNER.run(List.of("tar", "-xf", archive.toString(), "-C", layout.toString())).orThrow();
    index = JSON.readTree(layout.resolve("index.json").toFile());
    manifest = JSON.readTree(blob(index.path("manifests").path(0)).toFile());
    config = JSON.readTree(blob(manifest.path("config")).toFile());
    rootfs = Files.createDirectories(dir.resolve("rootfs"));
    Path layer = blob(manifest.path("layers").path(0));
    RUNNER.run(List.of("tar", "-xzf", layer.toString(), "-C", rootfs.toString())).orThrow();
  }

  @Test
  void archiveIsAValidOciLayoutNamedForImport() throws Exception {
    assertThat(
            JSON.readTree(layout.resolve("oci-layout").toFile())
                .path("imageLayoutVersion")
                .asText())
        .isEqualTo("1.0.0");
    assertThat(index.path("manifests")).hasSize(1);
    JsonNode annotations = index.path("manifests").path(0).path("annotations");
    assertThat(annotations.path("io.containerd.image.name").asText())
        .isEqualTo("ghcr.io/tcptune/tcptune:" + version);
    assertThat(annotations.path("org.opencontainers.image.ref.name").asText()).isEqualTo(version);
    assertThat(manifest.path("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.manifest.v1+json");
    assertThat(manifest.path("layers")).hasSize(1);
    assertThat(manifest.path("layers").path(0).path("mediaType").asText())
        .isEqualTo("application/vnd.oci.image.layer.v1.tar+gzip");
    // blob() checked every digest and size; the config's diff_id is the uncompressed layer's.
    try (InputStream in =
        new GZIPInputStream(Files.newInputStream(blob(manifest.path("layers").path(0))))) {
      assertThat(config.path("rootfs").path("diff_ids").path(0).asText())
          .isEqualTo("sha256:" + sha256(in));
    }
  }

  @Test
  void configSaysHowToRunIt() {
    assertThat(config.path("os").asText()).isEqualTo("linux");
    assertThat(config.path("architecture").asText()).isEqualTo("amd64");
    JsonNode run = config.path("config");
    assertThat(strings(run.path("Entrypoint")))
        .containsExactly("/opt/java/bin/java", "-jar", "/tcptune.jar");
    assertThat(run.path("User").asText()).as("non-root by default").isEqualTo("65532:65532");
    assertThat(strings(run.path("Env"))).contains("JAVA_HOME=/opt/java");
    assertThat(run.path("Labels").path("org.opencontainers.image.version").asText())
        .isEqualTo(version);
    assertThat(run.path("Labels").path("org.opencontainers.image.title").asText())
        .isEqualTo("tcptune");
    assertThat(run.path("Labels").path("dev.tcptune.debian-packages").asText())
        .contains("iproute2=", "libc6=");
  }

  @Test
  void holdsThisBuildsJarAndTheUsersItRunsAs() throws Exception {
    Path jar = ControlPlane.repositoryRoot().resolve("operator/app/target/tcptune.jar");
    try (InputStream image = Files.newInputStream(rootfs.resolve("tcptune.jar"));
        InputStream built = Files.newInputStream(jar)) {
      assertThat(sha256(image)).isEqualTo(sha256(built));
    }
    assertThat(Files.readString(rootfs.resolve("etc/passwd")))
        .contains("root:x:0:0:", "tcptune:x:65532:65532:");
    assertThat(Files.getAttribute(rootfs.resolve("tmp"), "unix:mode")).isEqualTo(01777 | 0040000);
  }

  /**
   * With two of fabric8's HTTP clients on the class path, a client built without an explicit one
   * (the demo's) gets one of them at random; and what no process runs should not ship to every
   * node.
   */
  @Test
  void jarShipsOneHttpClientForFabric8AndNoTestLibraries() throws Exception {
    try (JarFile jar = new JarFile(rootfs.resolve("tcptune.jar").toFile())) {
      ZipEntry factories =
          jar.getEntry("META-INF/services/io.fabric8.kubernetes.client.http.HttpClient$Factory");
      assertThat(factories).as("fabric8's HTTP client registrations").isNotNull();
      try (InputStream in = jar.getInputStream(factories)) {
        assertThat(
                new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#")))
            .containsExactly("io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory");
      }
      assertThat(jar.stream().map(ZipEntry::getName))
          .as("Vert.x, Netty, JUnit")
          .noneMatch(
              name ->
                  name.startsWith("io/vertx/")
                      || name.startsWith("io/netty/")
                      || name.startsWith("org/junit/"));
    }
  }

  @Test
  void javaIpAndSsRunInsideTheImage() {
    // unshare and chroot need root; CI requires these tests to run.
    if (System.getenv("TCPTUNE_REQUIRE_KERNEL_TESTS") == null) {
      assumeTrue(TestNetns.available(), "running the image's file system needs root");
    }
    assertThat(inImage("0", "/opt/java/bin/java", "-jar", "/tcptune.jar", "--version").stdout())
        .isEqualTo("tcptune " + version + "\n");
    assertThat(inImage("0", "ip", "-V").stdout()).startsWith("ip utility, iproute2-");
    assertThat(inImage("0", "ss", "-V").stdout()).startsWith("ss utility, iproute2-");
    // JSON routes, as the agent reads them, and the socket listing of its statistics sampler.
    assertThat(inImage("0", "ip", "-json", "route", "show", "table", "local").stdout())
        .startsWith("[{");
    inImage("0", "ss", "-H", "-t", "-a", "-n");
    // The operator's user: a JVM starts as 65532 too.
    assertThat(inImage("65532", "/opt/java/bin/java", "-jar", "/tcptune.jar", "--version").stdout())
        .startsWith("tcptune ");
  }

  /** Runs argv chrooted into the image's file system, as {@code uid}, in its own PID namespace. */
  private static CommandResult inImage(String uid, String... argv) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "unshare",
                "--mount",
                "--pid",
                "--fork",
                "--mount-proc",
                "--root=" + rootfs,
                "--setuid=" + uid,
                "--setgid=" + uid,
                "--"));
    command.addAll(List.of(argv));
    CommandResult result = RUNNER.run(command);
    assertThat(result.exitCode()).as("%s: %s", command, result.stderr()).isZero();
    return result;
  }

  private static Path blob(JsonNode descriptor) throws Exception {
    String digest = descriptor.path("digest").asText();
    assertThat(digest).startsWith("sha256:");
    Path blob = layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    assertThat(Files.size(blob))
        .as("size of %s", digest)
        .isEqualTo(descriptor.path("size").asLong());
    try (InputStream in = Files.newInputStream(blob)) {
      assertThat("sha256:" + sha256(in)).as("content of %s", digest).isEqualTo(digest);
    }
    return blob;
  }

  private static String sha256(InputStream in) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[1 << 16];
    for (int n; (n = in.read(buffer)) > 0; ) {
      sha.update(buffer, 0, n);
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
