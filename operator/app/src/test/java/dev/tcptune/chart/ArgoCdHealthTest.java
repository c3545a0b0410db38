package dev.tcptune.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tcptune.localcluster.LocalControlPlane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.lib.jse.JsePlatform;

/**
 * The Argo CD health check of TcpProfile (docs/gitops/argocd/...), run as Argo CD runs it (a Lua
 * script with the object in global {@code obj}) on every case of its {@code health_test.yaml}.
 */
class ArgoCdHealthTest {

  private static final Path DIR =
      LocalControlPlane.checkout()
          .orElseThrow()
          .resolve("docs/gitops/argocd/tcptune.dev/TcpProfile");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static Stream<Arguments> cases() throws Exception {
    JsonNode tests = YAML.readTree(DIR.resolve("health_test.yaml").toFile()).get("tests");
    List<Arguments> cases = new ArrayList<>();
    for (JsonNode test : tests) {
      cases.add(
          Arguments.of(
              test.get("inputPath").asText(),
              test.get("healthStatus").get("status").asText(),
              test.get("healthStatus").get("message").asText()));
    }
    assertThat(cases).hasSizeGreaterThanOrEqualTo(5);
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} is {1}")
  @MethodSource("cases")
  void healthOfASampleStatus(String input, String status, String message) throws Exception {
    Globals lua = JsePlatform.standardGlobals();
    lua.set("obj", toLua(YAML.readTree(DIR.resolve(input).toFile())));
    LuaValue health = lua.load(Files.readString(DIR.resolve("health.lua")), "health.lua").call();

    assertThat(
            Map.of(
                "status",
                health.get("status").tojstring(),
                "message",
                health.get("message").tojstring()))
        .isEqualTo(Map.of("status", status, "message", message));
  }

  private static LuaValue toLua(JsonNode node) {
    if (node.isObject()) {
      LuaTable table = new LuaTable();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        table.set(field.getKey(), toLua(field.getValue()));
      }
      return table;
    }
    if (node.isArray()) {
      LuaTable table = new LuaTable();
      int i = 1;
      for (JsonNode item : node) {
        table.set(i++, toLua(item));
      }
      return table;
    }
    if (node.isIntegralNumber()) {
      return LuaValue.valueOf(node.asLong());
    }
    if (node.isNumber()) {
      return LuaValue.valueOf(node.asDouble());
    }
    if (node.isBoolean()) {
      return LuaValue.valueOf(node.asBoolean());
    }
    return node.isNull() ? LuaValue.NIL : LuaValue.valueOf(node.asText());
  }
}
