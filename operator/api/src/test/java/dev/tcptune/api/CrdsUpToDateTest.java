package dev.tcptune.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfile;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The CRDs in {@code crds/} are generated from the Java model; this test fails the build when they
 * are stale. Run {@code mvn test -Dtcptune.updateCrds=true -pl operator/api} (or {@code
 * hack/update-crds.sh}) to rewrite them.
 *
 * <p>The generator sorts printer columns by name, so {@code kubectl get} would start with Age; the
 * copy in {@code crds/} puts them in the order the class declares them.
 */
class CrdsUpToDateTest {

  private static final ObjectMapper YAML =
      new ObjectMapper(
          new YAMLFactory()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE));

  @ParameterizedTest
  @ValueSource(classes = {TcpProfile.class, TcpNodeState.class})
  void checkedInCrdMatchesTheJavaModel(Class<? extends CustomResource<?, ?>> type)
      throws IOException {
    String name = CustomResource.getCRDName(type);
    Path generated = Path.of("target/classes/META-INF/fabric8", name + "-v1.yml");
    String expected = render(generated, type);
    Path checkedIn = root().resolve("crds").resolve(name + ".yaml");

    if (Boolean.getBoolean("tcptune.updateCrds")) {
      Files.createDirectories(checkedIn.getParent());
      Files.writeString(checkedIn, expected);
    }
    assertThat(checkedIn)
        .as("crds/%s.yaml is stale: run hack/update-crds.sh and commit the result", name)
        .exists();
    assertThat(Files.readString(checkedIn))
        .as("crds/%s.yaml is stale: run hack/update-crds.sh and commit the result", name)
        .isEqualTo(expected);
  }

  private static String render(Path generated, Class<?> type) throws IOException {
    JsonNode crd = YAML.readTree(generated.toFile());
    List<String> declared =
        Arrays.stream(type.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    for (JsonNode version : crd.path("spec").path("versions")) {
      ArrayNode columns = (ArrayNode) version.path("additionalPrinterColumns");
      List<JsonNode> sorted = new ArrayList<>();
      columns.forEach(sorted::add);
      sorted.sort(
          (a, b) ->
              Integer.compare(
                  declared.indexOf(a.path("name").asText()),
                  declared.indexOf(b.path("name").asText())));
      columns.removeAll();
      sorted.forEach(columns::add);
    }
    ((ObjectNode) crd.path("metadata"))
        .putObject("annotations")
        .put("tcptune.dev/generated-from", type.getName());
    return "# Generated from the Java model by the build (hack/update-crds.sh). Do not edit.\n"
        + YAML.writeValueAsString(crd);
  }

  private static Path root() {
    return Path.of(System.getProperty("tcptune.root", "../.."));
  }
}
