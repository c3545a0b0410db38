package dev.tcptune.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.profile.ProfileFileException;
import dev.tcptune.profile.ProfileFiles;
import dev.tcptune.testing.ControlPlane;
import dev.tcptune.testing.Manifests;
import dev.tcptune.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What {@code kubectl apply} of a TcpProfile gets from a real API server with the CRD of {@code
 * crds/}: bad profiles are refused with a message that names the field and what is allowed, good
 * ones are stored exactly as written (nothing pruned, defaults filled in).
 *
 * <p>The corpus is one YAML file per case under {@code admission/bad} and {@code admission/good};
 * every {@code examples/*.yaml} of the checkout is a good case too. A bad case lists the fragments
 * the refusal must contain as {@code # expect:} header lines, fragments it must not contain as
 * {@code # expect-not:}, and the HTTP status as {@code # status:} when it is not 422 Unprocessable
 * Entity.
 *
 * <p>Writes use {@code fieldValidation=Strict}, as {@code kubectl} does by default ({@code
 * --validate=strict}): unknown fields are refused (400 Bad Request, "strict decoding error")
 * instead of being pruned in silence.
 *
 * <p>Every bad case names the refused field in a {@code # field:} line; the refusal must name it.
 * How a file is sent is its {@code # send:} line: {@code client} (the default) reads it with
 * Jackson and sends JSON; {@code yaml} sends the bytes as written ({@code application/yaml}), so
 * that the API server's own YAML reading (aliases, duplicate keys, number forms) is what is tested;
 * {@code kubectl} runs {@code kubectl create -f}, which splits documents as users see it. A good
 * case is also read by the CLI ({@link ProfileFiles}), which must read the same spec the server
 * stored.
 */
@RealApiServer
class TcpProfileAdmissionIT {

  private static final ResourceDefinitionContext PROFILES =
      ResourceDefinitionContext.fromResourceType(TcpProfile.class);
  private static final int UNPROCESSABLE_ENTITY = 422;

  static Stream<Named<Path>> badProfiles() {
    return named(Manifests.yamlFiles(corpus("bad")));
  }

  static Stream<Named<Path>> goodProfiles() {
    return named(Manifests.yamlFiles(corpus("good")));
  }

  static Stream<Named<Path>> examples() {
    Path dir = ControlPlane.repositoryRoot().resolve("examples");
    List<Path> files = Manifests.yamlFiles(dir);
    if (files.isEmpty()) {
      throw new AssertionError("no examples: " + dir + " holds no *.yaml file");
    }
    return named(files);
  }

  @Test
  void corpusCoversEnoughCases() {
    assertThat(Manifests.yamlFiles(corpus("bad"))).hasSizeGreaterThanOrEqualTo(120);
    assertThat(Manifests.yamlFiles(corpus("good"))).hasSizeGreaterThanOrEqualTo(17);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badProfiles")
  void refusesBadProfile(Path file, KubernetesClient client, ControlPlane controlPlane) {
    List<String> expected = Manifests.headerValues(file, "expect");
    assertThat(expected)
        .as("%s must say what the refusal contains in '# expect:' lines", file.getFileName())
        .isNotEmpty();
    List<String> field = Manifests.headerValues(file, "field");
    assertThat(field)
        .as("%s must name the refused field in '# field:'", file.getFileName())
        .hasSize(1);
    int expectedStatus =
        Manifests.headerValues(file, "status").stream()
            .map(Integer::valueOf)
            .findFirst()
            .orElse(UNPROCESSABLE_ENTITY);
    List<String> names = namesToCleanUp(file);

    Refusal refusal;
    try {
      refusal = send(file, client, controlPlane);
    } finally {
      for (String name : names) {
        if (name != null && profiles(client).withName(name).get() != null) {
          deleteAndWait(client, name);
        }
      }
    }

    assertThat(refusal.message()).as("the API server accepted %s", file.getFileName()).isNotNull();
    if (refusal.status() != KUBECTL) {
      assertThat(refusal.status())
          .as("HTTP status; server said: %s", refusal.message())
          .isEqualTo(expectedStatus);
    }
    assertThat(refusal.message()).as("refusal of %s", file.getFileName()).contains(expected);
    assertThat(refusal.message()).as("refusal of %s", file.getFileName()).contains(field.get(0));
    for (String unwanted : Manifests.headerValues(file, "expect-not")) {
      assertThat(refusal.message())
          .as("refusal of %s", file.getFileName())
          .doesNotContain(unwanted);
    }
  }

  /**
   * The names a bad case may have created; none when Jackson cannot read the file (a tab in the
   * indentation): the server cannot read it either, so it created nothing.
   */
  private static List<String> namesToCleanUp(Path file) {
    try {
      return Manifests.load(file).stream().map(r -> r.getMetadata().getName()).toList();
    } catch (UncheckedIOException e) {
      return List.of();
    }
  }

  /** The server's answer to a bad file: HTTP status (or {@link #KUBECTL}) and message, or null. */
  private record Refusal(int status, String message) {}

  private static final int KUBECTL = -1;

  private static Refusal send(Path file, KubernetesClient client, ControlPlane controlPlane) {
    String via = Manifests.headerValues(file, "send").stream().findFirst().orElse("client");
    switch (via) {
      case "client" -> {
        GenericKubernetesResource profile = Manifests.loadOne(file);
        KubernetesClientException e =
            catchThrowableOfType(
                KubernetesClientException.class,
                () ->
                    profiles(client).resource(profile).fieldValidation(Validation.STRICT).create());
        return e == null ? new Refusal(0, null) : new Refusal(e.getCode(), serverMessage(e));
      }
      case "yaml" -> {
        HttpResponse<String> response = postYaml(file, client);
        if (response.code() / 100 == 2) {
          return new Refusal(response.code(), null);
        }
        Status status = Serialization.unmarshal(response.body(), Status.class);
        return new Refusal(response.code(), status.getMessage());
      }
      case "kubectl" -> {
        ControlPlane.CommandResult result =
            controlPlane.kubectl("create", "--validate=strict", "-f", file.toString());
        return new Refusal(KUBECTL, result.exitCode() == 0 ? null : result.stderr());
      }
      default -> throw new AssertionError(file.getFileName() + ": unknown '# send: " + via + "'");
    }
  }

  /** POSTs the file's bytes as written, for the API server's own YAML decoder. */
  private static HttpResponse<String> postYaml(Path file, KubernetesClient client) {
    try {
      HttpClient http = client.getHttpClient();
      HttpRequest request =
          http.newHttpRequestBuilder()
              .uri(
                  client.getMasterUrl().toString().replaceAll("/$", "")
                      + "/apis/tcptune.dev/v1alpha1/tcpprofiles?fieldValidation=Strict")
              .post("application/yaml", Files.readAllBytes(file))
              .build();
      return http.sendAsync(request, String.class).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("cannot POST " + file, e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goodProfiles")
  void acceptsGoodProfile(Path file, KubernetesClient client) throws Exception {
    String via = Manifests.headerValues(file, "send").stream().findFirst().orElse("client");
    if (via.equals("yaml")) {
      assertStoredAsTheCliReadsIt(client, file);
    } else {
      assertStoredAsWritten(client, file);
    }
  }

  /**
   * For files whose YAML Jackson reads otherwise (aliases, 8192.0): the server decodes the bytes
   * itself and must store exactly the spec that the CLI read.
   */
  private static void assertStoredAsTheCliReadsIt(KubernetesClient client, Path file)
      throws Exception {
    TcpProfile read = new ProfileFiles().load(file.toString());
    HttpResponse<String> response = postYaml(file, client);
    assertThat(response.code()).as("server said: %s", response.body()).isEqualTo(201);
    // The name the server stored: the file may give only a generateName.
    String name =
        Serialization.unmarshal(response.body(), GenericKubernetesResource.class)
            .getMetadata()
            .getName();
    try {
      GenericKubernetesResource stored = profiles(client).withName(name).get();
      assertThat(spec(stored)).as("spec stored for %s", name).isEqualTo(cliSpec(read));
    } finally {
      deleteAndWait(client, name);
    }
  }

  @ParameterizedTest(name = "examples/{0}")
  @MethodSource("examples")
  void acceptsExample(Path file, KubernetesClient client) throws Exception {
    assertStoredAsWritten(client, file);
  }

  /** Creates every TcpProfile of the file, compares what the server stored, deletes them again. */
  private static void assertStoredAsWritten(KubernetesClient client, Path file)
      throws ProfileFileException {
    List<GenericKubernetesResource> profiles =
        Manifests.load(file).stream().filter(r -> "TcpProfile".equals(r.getKind())).toList();
    assertThat(profiles).as("TcpProfiles in %s", file.getFileName()).isNotEmpty();
    for (GenericKubernetesResource profile : profiles) {
      String name = profile.getMetadata().getName();
      try {
        GenericKubernetesResource stored =
            profiles(client).resource(profile).fieldValidation(Validation.STRICT).create();

        Map<String, Object> expectedSpec = new LinkedHashMap<>(spec(profile));
        expectedSpec.putIfAbsent("priority", 0);
        expectedSpec.putIfAbsent("mode", "Enforce");
        assertThat(spec(stored))
            .as("spec of %s as stored (written values kept, defaults filled in)", name)
            .isEqualTo(expectedSpec);
        assertThat(stored.getMetadata().getGeneration()).isEqualTo(1L);
        assertThat(cliSpec(new ProfileFiles().load(file.toString())))
            .as("spec of %s as the CLI reads it", name)
            .isEqualTo(spec(stored));
      } finally {
        deleteAndWait(client, name);
      }
    }
  }

  /** The spec as the CLI read it, with the defaults the API server fills in. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> cliSpec(TcpProfile profile) {
    Map<String, Object> spec =
        new LinkedHashMap<>(Serialization.jsonMapper().convertValue(profile.getSpec(), Map.class));
    spec.putIfAbsent("priority", 0);
    spec.putIfAbsent("mode", "Enforce");
    return spec;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> spec(GenericKubernetesResource resource) {
    Object spec = resource.getAdditionalProperties().get("spec");
    assertThat(spec).as("spec of %s", resource.getMetadata().getName()).isInstanceOf(Map.class);
    return (Map<String, Object>) spec;
  }

  private static String serverMessage(KubernetesClientException e) {
    return e.getStatus() != null && e.getStatus().getMessage() != null
        ? e.getStatus().getMessage()
        : e.getMessage();
  }

  private static void deleteAndWait(KubernetesClient client, String name) {
    profiles(client).withName(name).delete();
    Awaitility.await("deletion of TcpProfile " + name)
        .atMost(Duration.ofSeconds(30))
        .until(() -> profiles(client).withName(name).get() == null);
  }

  private static MixedOperation<
          GenericKubernetesResource,
          io.fabric8.kubernetes.api.model.GenericKubernetesResourceList,
          Resource<GenericKubernetesResource>>
      profiles(KubernetesClient client) {
    return client.genericKubernetesResources(PROFILES);
  }

  private static Path corpus(String kind) {
    URL url = TcpProfileAdmissionIT.class.getResource("/admission/" + kind);
    if (url == null) {
      throw new AssertionError("test resource directory admission/" + kind + " is missing");
    }
    try {
      return Paths.get(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Stream<Named<Path>> named(List<Path> files) {
    return files.stream().map(f -> Named.of(f.getFileName().toString(), f));
  }
}
