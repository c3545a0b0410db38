package dev.tcptune.profile;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tcptune.kernel.catalog.Tunable;
import dev.tcptune.kernel.catalog.Unit;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The CRD schema (admission) and the kernel catalog (the agent and the CLI) must allow the same
 * ranges; otherwise a profile the API server accepted would be refused on every node, or the
 * reverse.
 */
class CrdMatchesCatalogTest {

  @Test
  void everyFieldOfTheCrdHasTheCatalogRange() throws Exception {
    JsonNode schema = schema();

    for (SettingField field : ProfileSettings.fields()) {
      JsonNode node = schema;
      for (String part : field.path().split("\\.")) {
        node = node.path("properties").path(part);
      }
      assertThat(node.isMissingNode()).as("%s in the CRD", field.path()).isFalse();
      Tunable tunable = field.tunable();
      if (tunable.unit() == Unit.PORT_RANGE) {
        for (String end : new String[] {"low", "high"}) {
          assertRange(field.path() + "." + end, node.path("properties").path(end), tunable);
        }
      } else {
        assertRange(field.path(), node, tunable);
      }
    }
  }

  @Test
  void routeRuleLimitMatchesTheCrd() throws Exception {
    JsonNode routes = schema().at("/properties/spec/properties/rto/properties/routes");
    assertThat(routes.path("maxItems").asInt()).isEqualTo(ProfileValidator.MAX_ROUTE_RULES);
  }

  /** The string rules the CLI repeats in Java are the CRD's, character for character. */
  @Test
  void routeStringRulesMatchTheCrd() throws Exception {
    JsonNode rule =
        schema().at("/properties/spec/properties/rto/properties/routes/items/properties");
    assertThat(rule.at("/device/pattern").asText())
        .isEqualTo("^" + ProfileValidator.DEVICE.pattern() + "$");
    assertThat(rule.at("/rtoMin/pattern").asText())
        .isEqualTo("^" + RtoDurations.DURATION.pattern().replace("([0-9]+)", "[0-9]+") + "$");
    assertThat(rule.at("/rtoMin/maxLength").asInt()).isEqualTo(RtoDurations.MAX_LENGTH);
    assertThat(rule.at("/destination/maxLength").asInt())
        .isEqualTo(ProfileValidator.MAX_DESTINATION_LENGTH);
  }

  @Test
  void groupsMustSetSomething() throws Exception {
    JsonNode spec = schema().at("/properties/spec/properties");
    for (String group : new String[] {"listenQueue", "timeWait", "keepalive", "retries", "rto"}) {
      assertThat(spec.at("/" + group + "/minProperties").asInt()).as(group).isEqualTo(1);
    }
  }

  private static JsonNode schema() throws java.io.IOException {
    Path crd =
        Path.of(System.getProperty("tcptune.root", "../.."))
            .resolve("crds/tcpprofiles.tcptune.dev.yaml");
    return new YAMLMapper().readTree(crd.toFile()).at("/spec/versions/0/schema/openAPIV3Schema");
  }

  private static void assertRange(String path, JsonNode node, Tunable tunable) {
    assertThat(node.path("minimum").asLong(Long.MIN_VALUE))
        .as("%s minimum", path)
        .isEqualTo(tunable.min());
    assertThat(node.path("maximum").asLong(Long.MAX_VALUE))
        .as("%s maximum", path)
        .isEqualTo(tunable.max());
  }
}
