package dev.tcptune.profile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** apimachinery's IsQualifiedName, IsValidLabelValue and IsDNS1123Subdomain. */
class KubernetesNamesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"zone", "Team.Name_1", "kubernetes.io/os", "node-role.kubernetes.io/ingress", "a"})
  void labelKeys(String key) {
    assertThat(KubernetesNames.labelKeyProblem(key)).as(key).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      node role            | the name part must consist of
      a/b/c                | has more than one '/'
      /zone                | the prefix before '/' must be non-empty
      example.com/         | the name part must be non-empty
      Example.com/zone     | the prefix before '/' must be a lowercase RFC 1123 subdomain
      -zone                | the name part must consist of
      zone-                | the name part must consist of
      ''                   | the name part must be non-empty
      """)
  void badLabelKeys(String key, String problem) {
    assertThat(KubernetesNames.labelKeyProblem(key))
        .as(key)
        .hasValueSatisfying(p -> assertThat(p).contains(problem));
  }

  @ParameterizedTest
  @ValueSource(ints = {63, 64})
  void labelKeyNameIsAtMost63Characters(int length) {
    assertThat(KubernetesNames.labelKeyProblem("a".repeat(length)).isEmpty())
        .isEqualTo(length <= 63);
  }

  @ParameterizedTest
  @ValueSource(ints = {253, 254})
  void prefixIsAtMost253Characters(int length) {
    assertThat(KubernetesNames.labelKeyProblem("a".repeat(length) + "/b").isEmpty())
        .isEqualTo(length <= 253);
  }

  @ParameterizedTest
  @CsvSource({"'', true", "linux, true", "a.b_c-d, true", "-a, false", "a b, false", "on, true"})
  void labelValues(String value, boolean valid) {
    assertThat(KubernetesNames.isLabelValue(value)).as(value).isEqualTo(valid);
    assertThat(KubernetesNames.isLabelValue("a".repeat(64))).isFalse();
  }

  @ParameterizedTest
  @CsvSource({"ingress, true", "a.b-c, true", "Ingress, false", "a_b, false", "-a, false"})
  void objectNames(String name, boolean valid) {
    assertThat(KubernetesNames.subdomainProblem(name).isEmpty()).as(name).isEqualTo(valid);
  }
}
