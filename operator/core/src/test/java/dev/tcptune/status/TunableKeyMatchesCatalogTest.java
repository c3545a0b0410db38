package dev.tcptune.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tcptune.api.v1alpha1.TunableKey;
import dev.tcptune.kernel.catalog.Tunable;
import dev.tcptune.kernel.catalog.TunableCatalog;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The TcpNodeState schema admits exactly the keys of {@link TunableKey}; the agent applies exactly
 * the keys of the catalog. They must be the same list, or a key would be refused at admission that
 * the agent could apply, or admitted and then refused on every node.
 */
class TunableKeyMatchesCatalogTest {

  @Test
  void schemaEnumIsTheCatalog() {
    assertThat(
            Arrays.stream(TunableKey.values()).map(TunableKeyMatchesCatalogTest::jsonName).toList())
        .containsExactlyInAnyOrderElementsOf(
            TunableCatalog.standard().all().stream().map(Tunable::key).toList());
  }

  @Test
  void installedCrdAdmitsExactlyTheCatalogKeys() throws Exception {
    JsonNode key =
        new YAMLMapper()
            .readTree(
                Path.of(System.getProperty("tcptune.root", "../.."))
                    .resolve("crds/tcpnodestates.tcptune.dev.yaml")
                    .toFile())
            .at(
                "/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/settings/items"
                    + "/properties/key/enum");
    assertThat(textsOf(key))
        .containsExactlyInAnyOrderElementsOf(
            TunableCatalog.standard().all().stream().map(Tunable::key).toList());
  }

  private static java.util.List<String> textsOf(JsonNode array) {
    java.util.List<String> texts = new java.util.ArrayList<>();
    array.forEach(n -> texts.add(n.asText()));
    return texts;
  }

  private static String jsonName(TunableKey key) {
    try {
      return TunableKey.class.getField(key.name()).getAnnotation(JsonProperty.class).value();
    } catch (NoSuchFieldException e) {
      throw new IllegalStateException(e);
    }
  }
}
