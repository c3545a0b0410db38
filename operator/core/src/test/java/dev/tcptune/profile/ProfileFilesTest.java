package dev.tcptune.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tcptune.api.v1alpha1.Mode;
import dev.tcptune.api.v1alpha1.TcpProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ProfileFilesTest {

  private final ProfileFiles files = new ProfileFiles();

  static Stream<Path> examples() throws IOException {
    Path dir = Path.of(System.getProperty("tcptune.root", "../..")).resolve("examples");
    List<Path> all;
    try (Stream<Path> list = Files.list(dir)) {
      all = list.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(all).as("examples/*.yaml").hasSizeGreaterThanOrEqualTo(4);
    return all.stream();
  }

  @ParameterizedTest
  @MethodSource("examples")
  void everyExampleLoadsAndValidates(Path example) throws Exception {
    TcpProfile profile = files.load(example.toString());

    assertThat(profile.getMetadata().getName())
        .isEqualTo(example.getFileName().toString().replace(".yaml", ""));
    assertThat(
            ProfileTranslator.desiredState(profile.getSpec()).sysctls().size()
                + ProfileTranslator.desiredState(profile.getSpec()).routes().size())
        .isPositive();
  }

  @Test
  void builtInDefaultIsTheKernelDefaultsInAuditMode() throws Exception {
    TcpProfile profile = files.load(ProfileFiles.BUILTIN_DEFAULT);

    assertThat(profile.getSpec().getMode()).isEqualTo(Mode.AUDIT);
    assertThat(ProfileTranslator.desiredState(profile.getSpec()).sysctls())
        .containsEntry("net.core.somaxconn", "4096")
        .containsEntry("net.ipv4.ip_local_port_range", "32768 60999")
        .containsEntry("net.ipv4.tcp_syn_retries", "6");
  }

  @Test
  void translatesEveryGroupToSysctlsAndRouteRules() throws Exception {
    TcpProfile profile =
        files.parse(
            """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata: {name: all}
        spec:
          listenQueue: {somaxconn: 8192, maxSynBacklog: 4096}
          timeWait: {twReuse: 1, finTimeoutSeconds: 30, localPortRange: {low: 10240, high: 65000}}
          keepalive: {timeSeconds: 60, intervalSeconds: 10, probes: 6}
          retries: {syn: 3, synAck: 3, retries1: 3, retries2: 8, orphan: 7}
          rto:
            minMicroseconds: 50000
            routes: [{destination: 10.0.0.0/8, device: eth0, rtoMin: 20ms}, {destination: default, rtoMin: 1s}]
        """,
            "all.yaml");

    var desired = ProfileTranslator.desiredState(profile.getSpec());
    assertThat(desired.sysctls())
        .hasSize(14)
        .containsEntry("net.ipv4.tcp_rto_min_us", "50000")
        .containsEntry("net.ipv4.tcp_orphan_retries", "7")
        .containsEntry("net.ipv4.ip_local_port_range", "10240 65000");
    assertThat(desired.routeRules())
        .extracting(r -> r.describe())
        .containsExactly("10.0.0.0/8 dev eth0 rto_min 20ms", "default rto_min 1000ms");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      somaxconn below range      | listenQueue: {somaxconn: 100}                     | spec.listenQueue.somaxconn: 100 is below the allowed range 128..65535
      somaxconn above range      | listenQueue: {somaxconn: 70000}                   | spec.listenQueue.somaxconn: 70000 is above the allowed range 128..65535
      keepalive probes zero      | keepalive: {probes: 0}                            | spec.keepalive.probes: 0 is below the allowed range 1..127
      fin timeout negative       | timeWait: {finTimeoutSeconds: -1}                 | spec.timeWait.finTimeoutSeconds: -1 is below the allowed range 5..300
      syn retries too many       | retries: {syn: 11}                                | spec.retries.syn: 11 is above the allowed range 1..10
      rto min us too low         | rto: {minMicroseconds: 10}                        | spec.rto.minMicroseconds: 10 is below the allowed range 1000..1000000
      port range inverted        | timeWait: {localPortRange: {low: 60000, high: 30000}} | spec.timeWait.localPortRange: low 60000 is above high 30000 (allowed: low <= high
      port range missing end     | timeWait: {localPortRange: {low: 30000}}          | spec.timeWait.localPortRange.high: is required (allowed: 1024..65535)
      tw_recycle refused         | timeWait: {twRecycle: 1}                          | spec.timeWait.twRecycle: net.ipv4.tcp_tw_recycle is removed in Linux 4.12
      unknown field              | listenQueue: {somaxconnn: 8192}                   | spec.listenQueue.somaxconnn: unknown field (allowed here: maxSynBacklog, somaxconn)
      wrong type                 | listenQueue: {somaxconn: lots}                    | spec.listenQueue.somaxconn: the string 'lots' is not allowed (allowed: an integer 128..65535)
      number as string           | listenQueue: {somaxconn: "4096"}                  | spec.listenQueue.somaxconn: the string '4096' is not allowed (allowed: an integer 128..65535)
      mode as number             | {mode: 1, retries: {syn: 3}}                      | spec.mode: the number 1 is not allowed (allowed: one of Enforce, Audit)
      object for a number        | listenQueue: {somaxconn: {a: 1}}                  | spec.listenQueue.somaxconn: an object is not allowed (allowed: an integer 128..65535)
      bad mode                   | {mode: Apply, retries: {syn: 3}}                  | spec.mode: 'Apply' is not allowed (allowed: one of Enforce, Audit)
      priority negative          | {priority: -1, retries: {syn: 3}}                 | spec.priority: -1 is outside the allowed range 0..1000
      no settings                | {priority: 1}                                     | spec: a profile must set at least one of listenQueue, timeWait, keepalive, retries, rto
      bad destination            | rto: {routes: [{destination: 10.0.0.300/8, rtoMin: 20ms}]} | spec.rto.routes[0].destination: '10.0.0.300/8' is not allowed (allowed: default, an IP address or a CIDR
      bad duration               | rto: {routes: [{destination: default, rtoMin: fast}]} | spec.rto.routes[0].rtoMin: 'fast' is not a duration (allowed: an integer with ms or s, 1ms..1s, e.g. 50ms)
      duration too long          | rto: {routes: [{destination: default, rtoMin: 2s}]}   | spec.rto.routes[0].rtoMin: '2s' is above the allowed range 1ms..1s (route rto_min)
      retries1 above retries2    | retries: {retries1: 9, retries2: 8}                | spec.retries.retries1: 9 is above retries2 8 (allowed: at most retries2
      empty group                | {listenQueue: {}, keepalive: {probes: 6}}          | spec.listenQueue: is empty (allowed: at least one of maxSynBacklog, somaxconn)
      rtoMin as a number         | rto: {routes: [{destination: default, rtoMin: 50}]} | spec.rto.routes[0].rtoMin: the number 50 is not allowed (allowed: string)
      label value as boolean     | {nodeSelector: {matchLabels: {a: on}}, retries: {syn: 3}} | spec.nodeSelector.matchLabels.a: the boolean true is not allowed (allowed: string)
      duplicate destination      | rto: {routes: [{destination: default, rtoMin: 20ms}, {destination: default, rtoMin: 30ms}]} | spec.rto.routes[1].destination: 'default' repeats the destination of spec.rto.routes[0] 'default'
      """)
  void badProfilesGetOneLineNamingFieldValueAndAllowed(String name, String spec, String expected) {
    String body = spec.startsWith("{") ? spec : "{" + spec + "}";
    String yaml =
        "apiVersion: tcptune.dev/v1alpha1\nkind: TcpProfile\nmetadata: {name: bad}\nspec: "
            + body
            + "\n";

    assertThatThrownBy(() -> files.parse(yaml, "bad.yaml"))
        .isInstanceOf(ProfileFileException.class)
        .hasMessageStartingWith("bad.yaml: ")
        .hasMessageContaining(expected)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void brokenYamlIsOneLineWithItsPosition() {
    assertThatThrownBy(() -> files.parse("kind: TcpProfile\nspec: a: b\n", "broken.yaml"))
        .hasMessageStartingWith(
            "broken.yaml: not valid YAML at line 2, column 8: mapping values are not allowed here")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void wrongKindAndMissingFileAreNamed() {
    assertThatThrownBy(
            () -> files.parse("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n", "cm.yaml"))
        .hasMessage("cm.yaml: apiVersion: 'v1' is not allowed (allowed: tcptune.dev/v1alpha1)");
    assertThatThrownBy(() -> files.load("/nonexistent/profile.yaml"))
        .hasMessage("/nonexistent/profile.yaml: no such file");
  }

  @Test
  void severalDocumentsAreRefusedEvenWhenEachIsValid() {
    String one =
        "apiVersion: tcptune.dev/v1alpha1\nkind: TcpProfile\nmetadata: {name: a}\n"
            + "spec: {retries: {syn: 3}}\n";

    assertThatThrownBy(() -> files.parse(one + "---\n" + one, "two.yaml"))
        .hasMessage(
            "two.yaml: 2 profiles (allowed: one TcpProfile per file; put each profile in its own"
                + " file)");
  }

  @Test
  void aListOfOneProfileIsOneProfile() throws ProfileFileException {
    String list =
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: tcptune.dev/v1alpha1\n  kind: TcpProfile\n"
            + "  metadata: {name: a}\n  spec: {retries: {syn: 3}}\n";

    assertThat(files.parse(list, "one.yaml").getMetadata().getName()).isEqualTo("a");
  }

  @Test
  void listsAreUnpackedAsKubectlDoes() throws ProfileFileException {
    String item =
        "- apiVersion: tcptune.dev/v1alpha1\n  kind: TcpProfile\n  metadata: {name: %s}\n"
            + "  spec: {retries: {syn: %d}}\n";
    String v1List =
        "apiVersion: v1\nkind: List\nitems:\n" + item.formatted("a", 3) + item.formatted("b", 4);
    String typedList =
        "apiVersion: tcptune.dev/v1alpha1\nkind: TcpProfileList\nmetadata: {resourceVersion: \"7\"}\n"
            + "items:\n"
            + item.formatted("c", 5);

    assertThat(files.parseAll(v1List + "---\n" + typedList, "all.yaml"))
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("a", "b", "c");
    assertThatThrownBy(
            () ->
                files.parseAll(
                    "apiVersion: v1\nkind: List\nitems:\n"
                        + item.formatted("a", 3)
                        + item.formatted("b", 0),
                    "list.yaml"))
        .hasMessageStartingWith("list.yaml: items[1]: spec.retries.syn: 0 is below");
    assertThatThrownBy(
            () ->
                files.parseAll(
                    "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n",
                    "cm.yaml"))
        .hasMessage(
            "cm.yaml: items[0]: apiVersion: 'v1' is not allowed (allowed: tcptune.dev/v1alpha1)");
    assertThatThrownBy(
            () -> files.parseAll("apiVersion: v1\nkind: List\nitems: []\n", "empty.yaml"))
        .hasMessage(
            "empty.yaml: items: an empty list is not allowed (allowed: a list of one or more"
                + " TcpProfile objects)");
    assertThatThrownBy(() -> files.parse(v1List, "two.yaml"))
        .hasMessageStartingWith("two.yaml: 2 profiles (allowed: one TcpProfile per file");
  }

  @Test
  void aFileLargerThanTheApiServerTakesIsRefusedBeforeItFillsMemory(@TempDir Path dir)
      throws IOException {
    Path big = dir.resolve("big.yaml");
    Files.writeString(
        big, "# " + "x".repeat(ProfileFiles.MAX_BYTES) + "\napiVersion: tcptune.dev/v1alpha1\n");
    String refusal =
        ": larger than 3 MiB (allowed: a profile file of at most 3 MiB, the largest request the API"
            + " server takes)";

    assertThatThrownBy(() -> files.load(big.toString())).hasMessage(big + refusal);
    // No end at all: read up to the limit, not until memory runs out.
    assertThatThrownBy(() -> files.loadAll("/dev/zero")).hasMessage("/dev/zero" + refusal);
  }

  @Test
  void aFileNameThatIsNoPathIsRefused() {
    assertThatThrownBy(() -> files.load("a\0b.yaml"))
        .isInstanceOf(ProfileFileException.class)
        .hasMessageStartingWith("'a\\u0000b.yaml': not a file name");
  }

  @Test
  void apiVersionKindAndNameAreRequired() {
    assertThatThrownBy(() -> files.parse("kind: TcpProfile\n", "a.yaml"))
        .hasMessage("a.yaml: apiVersion: is required (allowed: tcptune.dev/v1alpha1)");
    assertThatThrownBy(
            () -> files.parse("apiVersion: tcptune.dev/v1alpha1\nkind: tcpprofile\n", "k.yaml"))
        .hasMessage("k.yaml: kind: 'tcpprofile' is not allowed (allowed: TcpProfile)");
    assertThatThrownBy(
            () ->
                files.parse(
                    "apiVersion: tcptune.dev/v1alpha1\nkind: TcpProfile\nspec: {retries: {syn: 3}}\n",
                    "n.yaml"))
        .hasMessageStartingWith("n.yaml: metadata.name: is required");
  }

  @Test
  void whatTheApiServerAcceptsIsAccepted() throws Exception {
    TcpProfile profile =
        files.parse(
            """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata: {name: edge, namespace: ignored-for-cluster-scope}
        spec:
          nodeSelector:
            matchLabels: {a: null, c: ""}
            matchExpressions: [{key: b, operator: Exists, values: []}]
          listenQueue: {somaxconn: 8192.0, maxSynBacklog: 4e3}
          rto: {routes: [{destination: default, rtoMin: 0000000000050ms}]}
        """,
            "edge.yaml");

    var desired = ProfileTranslator.desiredState(profile.getSpec());
    assertThat(desired.sysctls())
        .containsEntry("net.core.somaxconn", "8192")
        .containsEntry("net.ipv4.tcp_max_syn_backlog", "4000");
    assertThat(desired.routeRules()).extracting(r -> r.rtoMillis()).containsExactly(50);
  }

  @Test
  void aLongUnknownFieldIsNotEchoedBack() {
    String yaml =
        "apiVersion: tcptune.dev/v1alpha1\nkind: TcpProfile\nmetadata: {name: x}\n"
            + "spec: {listenQueue: {"
            // Longer implicit keys are refused by YAML itself (1024 characters), here as by
            // kubectl.
            + "k".repeat(1000)
            + ": 1}}\n";

    assertThatThrownBy(() -> files.parse(yaml, "long.yaml"))
        .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400).contains("unknown field"));
  }
}
