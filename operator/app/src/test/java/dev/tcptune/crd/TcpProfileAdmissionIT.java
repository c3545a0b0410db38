package dev.tcptune.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.testing.ControlPlane;
import dev.tcptune.testing.Manifests;
import dev.tcptune.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
    assertThat(Manifests.yamlFiles(corpus("bad"))).hasSizeGreaterThanOrEqualTo(30);
    assertThat(Manifests.yamlFiles(corpus("good"))).hasSizeGreaterThanOrEqualTo(10);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badProfiles")
  void refusesBadProfile(Path file, KubernetesClient client) {
    List<String> expected = Manifests.headerValues(file, "expect");
    assertThat(expected)
        .as("%s must say what the refusal contains in '# expect:' lines", file.getFileName())
        .isNotEmpty();
    int expectedStatus =
        Manifests.headerValues(file, "status").stream()
            .map(Integer::valueOf)
            .findFirst()
            .orElse(UNPROCESSABLE_ENTITY);
    GenericKubernetesResource profile = Manifests.loadOne(file);
    String name = profile.getMetadata().getName();

    KubernetesClientException refusal =
        catchThrowableOfType(
            KubernetesClientException.class,
            () -> profiles(client).resource(profile).fieldValidation(Validation.STRICT).create());

    if (refusal == null) {
      deleteAndWait(client, name);
    }
    assertThat(refusal).as("the API server accepted %s", file.getFileName()).isNotNull();
    String message = serverMessage(refusal);
    assertThat(refusal.getCode())
        .as("HTTP status; server said: %s", message)
        .isEqualTo(expectedStatus);
    assertThat(message).as("refusal of %s", file.getFileName()).contains(expected);
    for (String unwanted : Manifests.headerValues(file, "expect-not")) {
      assertThat(message).as("refusal of %s", file.getFileName()).doesNotContain(unwanted);
    }
    assertThat(profiles(client).withName(name).get()).as("stored despite the refusal").isNull();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goodProfiles")
  void acceptsGoodProfile(Path file, KubernetesClient client) {
    assertStoredAsWritten(client, file);
  }

  @ParameterizedTest(name = "examples/{0}")
  @MethodSource("examples")
  void acceptsExample(Path file, KubernetesClient client) {
    assertStoredAsWritten(client, file);
  }

  /** Creates every TcpProfile of the file, compares what the server stored, deletes them again. */
  private static void assertStoredAsWritten(KubernetesClient client, Path file) {
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
      } finally {
        deleteAndWait(client, name);
      }
    }
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
