package dev.tcptune.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** YAML read as kubectl and the API server read it (go-yaml v2, YAML 1.1), not as Jackson does. */
class YamlDocumentsTest {

  @Test
  void aliasesAreExpandedAndMergeKeysMerged() throws Exception {
    JsonNode doc = YamlDocuments.read("a: &x {b: 1}\nc: *x\nd:\n  <<: *x\n  e: 2\n").get(0);

    assertThat(doc.toString())
        .isEqualTo("{\"a\":{\"b\":1},\"c\":{\"b\":1},\"d\":{\"b\":1,\"e\":2}}");
  }

  @Test
  void duplicateKeysAreRefusedWithTheirLine() {
    assertThatThrownBy(() -> YamlDocuments.read("a:\n  b: 1\n  b: 2\n"))
        .isInstanceOf(YamlDocuments.YamlProblem.class)
        .hasMessage("duplicate key 'b' (allowed: each key once per mapping)")
        .satisfies(
            e ->
                assertThat(((YamlDocuments.YamlProblem) e).where)
                    .isEqualTo(" at line 3, column 3"));
  }

  @Test
  void tagsAsGoYamlReadsThem() throws Exception {
    JsonNode doc =
        YamlDocuments.read(
                "a: !!int {b: 1}\nc: !!set {d: 2}\ne: !local {f: 3}\ng: !!omap [{h: 4}]\n"
                    + "i: !!map 4096\nj: !!str 12\nk: !!float 0x1F\nl: !local text\n")
            .get(0);

    // A collection is built whatever its tag; a scalar under a tag that is no scalar type keeps
    // its text.
    assertThat(doc.toString())
        .isEqualTo(
            "{\"a\":{\"b\":1},\"c\":{\"d\":2},\"e\":{\"f\":3},\"g\":[{\"h\":4}],"
                + "\"i\":\"4096\",\"j\":\"12\",\"k\":31,\"l\":\"text\"}");
  }

  @Test
  void aScalarItsTagDoesNotFitIsRefusedWithItsPlace() {
    for (String[] c :
        new String[][] {
          {"a:\n  b: !!int abc\n", "'abc' is not an integer, which its tag !!int says"},
          {"a:\n  b: !!bool maybe\n", "'maybe' is not a boolean, which its tag !!bool says"},
          {"a:\n  b: !!float x\n", "'x' is not a number, which its tag !!float says"},
          {"a:\n  b: !!binary '***'\n", "cannot read the value under the tag !!binary"}
        }) {
      assertThatThrownBy(() -> YamlDocuments.read(c[0]))
          .as(c[0])
          .isInstanceOf(YamlDocuments.YamlProblem.class)
          .hasMessageContaining(c[1])
          .satisfies(
              e ->
                  assertThat(((YamlDocuments.YamlProblem) e).where)
                      .isEqualTo(" at line 2, column 6"));
    }
  }

  @Test
  void underscoresAnywhereInANumberAreDroppedAsGoYamlDoes() throws Exception {
    JsonNode doc =
        YamlDocuments.read(
                "a: 4096_\nb: 40__96\nc: +_4096\nd: 4_096.5\ne: _4096\nf: 0x_1_F\ng: 0_8\n")
            .get(0);

    assertThat(doc.get("a").asLong()).isEqualTo(4096);
    assertThat(doc.get("b").asLong()).isEqualTo(4096);
    assertThat(doc.get("c").asLong()).isEqualTo(4096);
    assertThat(doc.get("d").asDouble()).isEqualTo(4096.5);
    // Not a digit or a sign first: text.
    assertThat(doc.get("e").asText()).isEqualTo("_4096");
    assertThat(doc.get("f").asLong()).isEqualTo(31);
    // 08 is no Go integer (no octal 8), so go-yaml reads the float 8.
    assertThat(doc.get("g").asDouble()).isEqualTo(8.0);
  }

  @Test
  void aControlCharacterIsNamedWithItsLine() {
    assertThatThrownBy(() -> YamlDocuments.read("a: 1\nb: x\u0000y\n"))
        .isInstanceOf(YamlDocuments.YamlProblem.class)
        .hasMessageStartingWith("the control character U+0000 is not allowed")
        .satisfies(e -> assertThat(((YamlDocuments.YamlProblem) e).where).isEqualTo(" at line 2"));
  }

  @Test
  void aFloatBeyondADoubleIsTextAsForGo() throws Exception {
    JsonNode doc = YamlDocuments.read("a: 1e400\nb: .inf\n").get(0);

    assertThat(doc.get("a").isTextual()).isTrue();
    assertThat(doc.get("a").asText()).isEqualTo("1e400");
    assertThat(doc.get("b").asDouble()).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void numbersAsMapKeysThatKubectlWritesOtherwiseAreRefused() throws Exception {
    assertThat(YamlDocuments.read("m:\n  1: a\n  true: b\n").get(0).toString())
        .isEqualTo("{\"m\":{\"1\":\"a\",\"true\":\"b\"}}");
    for (String key : List.of(".inf", ".nan", "1.5", "99999999999999999999")) {
      assertThatThrownBy(() -> YamlDocuments.read("m:\n  " + key + ": a\n"))
          .as(key)
          .isInstanceOf(YamlDocuments.YamlProblem.class)
          .hasMessageStartingWith("m: the number '" + key + "' as a map key is not allowed");
    }
  }

  @Test
  void everyDocumentIsRead() throws Exception {
    assertThat(YamlDocuments.read("---\na: 1\n---\n---\nb: 2\n")).hasSize(2);
  }

  @Test
  void wholeFloatsAreIntegersAndFractionsStayNumbers() throws Exception {
    JsonNode doc = YamlDocuments.read("a: 8192.0\nb: 8e3\nc: 6.5\nd: 1e20\n").get(0);

    assertThat(doc.get("a").isIntegralNumber()).isTrue();
    assertThat(doc.get("a").asLong()).isEqualTo(8192);
    assertThat(doc.get("b").asLong()).isEqualTo(8000);
    assertThat(doc.get("c").isIntegralNumber()).isFalse();
    assertThat(doc.get("d").isIntegralNumber()).isFalse();
  }

  @Test
  void integersAsGoReadsThemAndNoSexagesimal() throws Exception {
    JsonNode doc =
        YamlDocuments.read(
                "a: 0o17\nb: 010\nc: 0x1F\nd: 1_000\ne: 0b101\nf: 08\ng: 1:30\nh: -0o17\ni: +12\n")
            .get(0);

    assertThat(doc.get("a").asLong()).isEqualTo(15);
    assertThat(doc.get("b").asLong()).isEqualTo(8);
    assertThat(doc.get("c").asLong()).isEqualTo(31);
    assertThat(doc.get("d").asLong()).isEqualTo(1000);
    assertThat(doc.get("e").asLong()).isEqualTo(5);
    // Go cannot read 08 as an integer, so go-yaml reads it as the float 8.
    assertThat(doc.get("f").isIntegralNumber()).isTrue();
    assertThat(doc.get("f").asLong()).isEqualTo(8);
    assertThat(doc.get("g").isTextual()).isTrue();
    assertThat(doc.get("h").asLong()).isEqualTo(-15);
    assertThat(doc.get("i").asLong()).isEqualTo(12);
  }

  @Test
  void yaml11BooleansAsGoYamlReadsThem() throws Exception {
    JsonNode doc = YamlDocuments.read("a: on\nb: y\nc: 'on'\nd: no\ne: 2024-01-01\n").get(0);

    assertThat(List.of(doc.get("a"), doc.get("b"), doc.get("d")))
        .allSatisfy(n -> assertThat(n.isBoolean()).isTrue());
    assertThat(doc.get("c").asText()).isEqualTo("on");
    assertThat(doc.get("e").isTextual()).isTrue();
  }

  @Test
  void recursiveAliasesAndAliasBombsAreRefused() {
    assertThatThrownBy(() -> YamlDocuments.read("a: &x [*x]\n"))
        .isInstanceOf(YamlDocuments.YamlProblem.class);
    StringBuilder bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
      bomb.append("a").append(i).append(": &a").append(i).append(" [");
      bomb.append(("*a" + (i - 1) + ", ").repeat(9)).append("*a").append(i - 1).append("]\n");
    }
    assertThatThrownBy(() -> YamlDocuments.read(bomb.toString()))
        .isInstanceOf(YamlDocuments.YamlProblem.class);
  }
}
