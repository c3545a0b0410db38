package dev.tcptune.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code tcptune validate} through the real command line, in process: a table of bad profiles by
 * class of input, each refused with exit 2 and one line naming the field, the value and what is
 * allowed. The admission corpus (AdmissionParityTest, TcpProfileAdmissionIT) holds the cases the
 * API server is asked about too; these are the same classes as a user types them at a terminal.
 */
class ValidateCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return InProcessCli.run(out, err, args);
  }

  private Path profile(String name, String spec) throws IOException {
    Path file = dir.resolve(name + ".yaml");
    Files.writeString(
        file,
        "apiVersion: tcptune.dev/v1alpha1\nkind: TcpProfile\nmetadata:\n  name: "
            + name
            + "\nspec:\n"
            + spec);
    return file;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      wrong type: string for int     | '  listenQueue:\\n    somaxconn: "8192"\\n'                  | spec.listenQueue.somaxconn: the string '8192' is not allowed (allowed: an integer 128..65535)
      wrong type: bool for int       | '  listenQueue:\\n    somaxconn: on\\n'                      | spec.listenQueue.somaxconn: the boolean true is not allowed (allowed: an integer 128..65535)
      wrong type: float for int      | '  retries:\\n    syn: 3.5\\n'                              | spec.retries.syn: the number 3.5 is not allowed (allowed: an integer 1..10)
      wrong type: string for bool    | '  rollout:\\n    pauseOnFailure: "no"\\n  retries:\\n    syn: 3\\n' | spec.rollout.pauseOnFailure: the string 'no' is not allowed (allowed: boolean: true or false)
      wrong type: list for string    | '  rto:\\n    routes:\\n      - destination: [default]\\n        rtoMin: 50ms\\n' | spec.rto.routes[0].destination: a list is not allowed (allowed: string)
      range: below min               | '  keepalive:\\n    probes: 0\\n'                          | spec.keepalive.probes: 0 is below the allowed range 1..127
      range: above max               | '  keepalive:\\n    timeSeconds: 32768\\n'                 | spec.keepalive.timeSeconds: 32768 is above the allowed range 1..32767
      huge: beyond int64             | '  listenQueue:\\n    somaxconn: 99999999999999999999\\n'  | spec.listenQueue.somaxconn: 99999999999999999999 is above the allowed range 128..65535
      huge: exponent                 | '  listenQueue:\\n    somaxconn: 1e30\\n'                  | spec.listenQueue.somaxconn: the number 1.0E30 is not allowed (allowed: an integer 128..65535)
      huge: maxUnavailable           | '  rollout:\\n    maxUnavailable: 99999999999\\n  retries:\\n    syn: 3\\n' | spec.rollout.maxUnavailable: 99999999999 is above the allowed range 1..10000
      rollout: zero                  | '  rollout:\\n    maxUnavailable: 0\\n  retries:\\n    syn: 3\\n' | spec.rollout.maxUnavailable: 0 is below the allowed range (allowed: a count 1..10000 or a percent "1%".."100%")
      rollout: not a percent         | '  rollout:\\n    maxUnavailable: half\\n  retries:\\n    syn: 3\\n' | spec.rollout.maxUnavailable: 'half' is not allowed (allowed: a count 1..10000 or a percent "1%".."100%")
      rtoMin: overflow               | '  rto:\\n    routes:\\n      - destination: default\\n        rtoMin: 99999999999999s\\n' | spec.rto.routes[0].rtoMin: '99999999999999s' is above the allowed range 1ms..1s
      selector: value forgotten      | '  nodeSelector:\\n    matchLabels:\\n      role:\\n  retries:\\n    syn: 3\\n' | spec.nodeSelector.matchLabels: is empty, which would select every node
      conflict: port range inverted  | '  timeWait:\\n    localPortRange: {low: 60000, high: 30000}\\n' | spec.timeWait.localPortRange: low 60000 is above high 30000 (allowed: low <= high
      conflict: twRecycle huge       | '  timeWait:\\n    twRecycle: 99999999999\\n'             | spec.timeWait.twRecycle: net.ipv4.tcp_tw_recycle is removed in Linux 4.12
      whitespace: enum with a space  | '  mode: "Audit "\\n  retries:\\n    syn: 3\\n'              | spec.mode: 'Audit ' is not allowed (allowed: one of Enforce, Audit
      whitespace: label value        | '  nodeSelector:\\n    matchLabels:\\n      zone: " a"\\n  retries:\\n    syn: 3\\n' | spec.nodeSelector.matchLabels.zone: ' a' is not a label value
      control char: NUL in a device  | '  rto:\\n    routes:\\n      - destination: default\\n        device: "eth0\\0"\\n        rtoMin: 50ms\\n' | spec.rto.routes[0].device: 'eth0\\u0000' is not allowed
      unicode: lookalike field name  | '  listenQueue:\\n    somaxcоnn: 8192\\n'                | unknown field (allowed here: maxSynBacklog, somaxconn)
      route: host bits set           | '  rto:\\n    routes:\\n      - destination: 10.0.0.1/8\\n        rtoMin: 50ms\\n' | spec.rto.routes[0].destination: '10.0.0.1/8' has host bits set
      route: IPv6 zone               | '  rto:\\n    routes:\\n      - destination: "fe80::1%eth0"\\n        rtoMin: 50ms\\n' | spec.rto.routes[0].destination: 'fe80::1%eth0' is not allowed (allowed: default, an IP address or a CIDR
      route: same route twice        | '  rto:\\n    routes:\\n      - {destination: default, rtoMin: 50ms}\\n      - {destination: "::/0", rtoMin: 60ms}\\n' | spec.rto.routes[1].destination: '::/0' repeats the destination of spec.rto.routes[0] 'default'
      unknown field                  | '  listenQueue:\\n    somaxconn: 8192\\n    backlog: 1\\n' | spec.listenQueue.backlog: unknown field (allowed here: maxSynBacklog, somaxconn)
      yaml: tab indentation          | '  listenQueue:\\n\\tsomaxconn: 8192\\n'                   | a tab in the indentation (allowed: spaces)
      yaml: duplicate key            | '  listenQueue:\\n    somaxconn: 8192\\n    somaxconn: 100\\n' | duplicate key 'somaxconn' (allowed: each key once per mapping)
      yaml: two merge keys           | '  listenQueue:\\n    <<: {somaxconn: 100}\\n    <<: {somaxconn: 200}\\n' | duplicate key '<<' (allowed: each key once per mapping)
      yaml: directive                | '  retries:\\n    syn: 3\\n%YAML 1.1\\n' | the directive '%YAML 1.1' is not allowed
      yaml: null key                 | '  nodeSelector:\\n    matchLabels:\\n      ~: a\\n  retries:\\n    syn: 3\\n' | spec.nodeSelector.matchLabels: null as a map key is not allowed
      """)
  void refusesWithOneLineNamingFieldValueAndAllowed(String name, String spec, String expected)
      throws IOException {
    Path file = profile("bad", spec.replace("\\n", "\n").replace("\\t", "\t"));

    int exit = run("validate", file.toString());

    assertThat(exit).as("exit code; stderr: %s", err).isEqualTo(TcpTuneCommand.ERROR);
    assertThat(out.toString()).isEmpty();
    assertThat(err.toString().lines()).hasSize(1);
    assertThat(err.toString()).startsWith("error: " + file + ": ").contains(expected);
  }

  @Test
  void validFilesGetOneLineEachAndExitZero() throws IOException {
    Path tabs = profile("tabs", "  listenQueue:\n    somaxconn:\t8192\n");
    Path rollout =
        profile("rollout", "  rollout:\n    maxUnavailable: 2\n  retries:\n    syn: 3\n");

    int exit = run("validate", "-f", tabs.toString(), rollout.toString());

    assertThat(exit).as("stderr: %s", err).isZero();
    assertThat(out.toString().lines())
        .containsExactly(
            tabs + ": valid (TcpProfile tabs)", rollout + ": valid (TcpProfile rollout)");
  }

  @Test
  void oneBadFileAmongGoodOnesFailsTheRun() throws IOException {
    Path good = profile("good", "  retries:\n    syn: 3\n");
    Path bad = profile("bad", "  retries:\n    syn: 0\n");

    int exit = run("validate", good.toString(), bad.toString());

    assertThat(exit).isEqualTo(TcpTuneCommand.ERROR);
    assertThat(out.toString()).contains(good + ": valid");
    assertThat(err.toString()).contains("error: " + bad + ": spec.retries.syn: 0 is below");
  }

  @Test
  void filesAfterOneThatCannotBeReadStillGetTheirVerdict() throws IOException {
    Path tagged = profile("tagged", "  listenQueue: !!int {somaxconn: 4096}\n");
    Path good = profile("good", "  retries:\n    syn: 3\n");

    int exit = run("validate", "/dev/zero", tagged.toString(), good.toString());

    assertThat(exit).isEqualTo(TcpTuneCommand.ERROR);
    assertThat(err.toString()).contains("error: /dev/zero: larger than 3 MiB");
    // A mapping under a scalar's tag is a mapping, as kubectl reads it (it was a
    // ClassCastException that ended the run).
    assertThat(out.toString()).contains(tagged + ": valid").contains(good + ": valid");
  }

  @Test
  void aNameGivenTwiceIsRefused() throws IOException {
    Path one = profile("edge", "  retries:\n    syn: 3\n");
    Path other = dir.resolve("other.yaml");
    Files.writeString(
        other,
        "apiVersion: tcptune.dev/v1alpha1\nkind: TcpProfile\nmetadata:\n  name: core\n"
            + "spec:\n  retries:\n    syn: 4\n---\n"
            + Files.readString(one));

    int exit = run("validate", one.toString(), other.toString());

    assertThat(exit).isEqualTo(TcpTuneCommand.ERROR);
    assertThat(out.toString()).contains(one + ": valid (TcpProfile edge)");
    assertThat(err.toString())
        .contains(
            "error: "
                + other
                + " (profile 2 of 2): metadata.name: 'edge' is the name of the profile in "
                + one
                + " too (allowed: each name once");
  }

  @Test
  void everyDocumentOfAFileIsChecked() throws IOException {
    Path two = dir.resolve("two.yaml");
    String profile =
        "apiVersion: tcptune.dev/v1alpha1\nkind: TcpProfile\nmetadata:\n  name: %s\nspec:\n"
            + "  retries:\n    syn: %d\n";
    Files.writeString(
        two, String.format(profile, "a", 3) + "---\n" + String.format(profile, "b", 4));
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad, String.format(profile, "a", 3) + "---\n" + String.format(profile, "b", 0));

    assertBothDocumentsChecked(two, bad);
  }

  /**
   * kubectl reads a file that starts with '{' as a stream of JSON objects, with no --- between
   * them; the CLI refused it as YAML ("expected '<document start>'").
   */
  @Test
  void jsonObjectsOneAfterAnotherAreDocuments() throws IOException {
    String profile =
        "{\"apiVersion\":\"tcptune.dev/v1alpha1\",\"kind\":\"TcpProfile\","
            + "\"metadata\":{\"name\":\"%s\"},\"spec\":{\"retries\":{\"syn\":%d}}}";
    Path two = dir.resolve("two.json");
    Files.writeString(two, String.format(profile, "a", 3) + "\n" + String.format(profile, "b", 4));
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, String.format(profile, "a", 3) + String.format(profile, "b", 0));

    assertBothDocumentsChecked(two, bad);
  }

  /** {@code two} holds profiles a and b, both valid; {@code bad} the same with b's syn 0. */
  private void assertBothDocumentsChecked(Path two, Path bad) {
    assertThat(run("validate", two.toString())).as("stderr: %s", err).isZero();
    assertThat(out.toString()).isEqualTo(two + ": valid (TcpProfile a, TcpProfile b)\n");
    assertThat(run("validate", bad.toString())).isEqualTo(TcpTuneCommand.ERROR);
    assertThat(err.toString())
        .contains("error: " + bad + ": document 2 of 2: spec.retries.syn: 0 is below");
  }

  /** kubectl create sends a profile with only a generateName; the API server names it. */
  @Test
  void generateNameStandsForTheName() throws IOException {
    Path file = dir.resolve("generated.yaml");
    Files.writeString(
        file,
        "apiVersion: tcptune.dev/v1alpha1\nkind: TcpProfile\nmetadata:\n  generateName: fast-\n"
            + "spec:\n  retries:\n    syn: 3\n");

    assertThat(run("validate", file.toString())).as("stderr: %s", err).isZero();
    assertThat(out.toString()).isEqualTo(file + ": valid (TcpProfile fast-*)\n");
  }

  /** A file in another encoding gets a line that says where, not "Input length = 1". */
  @Test
  void textThatIsNotUtf8IsRefusedWithItsLine() throws IOException {
    Path file = dir.resolve("latin1.yaml");
    Files.write(
        file,
        ("apiVersion: tcptune.dev/v1alpha1\nkind: TcpProfile\nmetadata:\n  name: a\n"
                + "  annotations:\n    owner: Ren\u00e9\nspec:\n  retries:\n    syn: 3\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    Path utf16 = dir.resolve("utf16.yaml");
    Files.write(
        utf16,
        ("apiVersion: tcptune.dev/v1alpha1\nkind: TcpProfile\nmetadata:\n  name: b\n"
                + "spec:\n  retries:\n    syn: 3\n")
            .getBytes(StandardCharsets.UTF_16));

    assertThat(run("validate", file.toString(), utf16.toString())).isEqualTo(TcpTuneCommand.ERROR);
    assertThat(err.toString())
        .isEqualTo(
            "error: "
                + file
                + ": not UTF-8 text: byte 0xE9 at line 6 (allowed: UTF-8, or UTF-16 with a byte"
                + " order mark, as the API server reads YAML)\n");
    assertThat(out.toString()).isEqualTo(utf16 + ": valid (TcpProfile b)\n");
  }

  @Test
  void whatKubectlGetPrintsIsChecked() throws IOException {
    // `kubectl get tcpp -o yaml` with several profiles: a v1 List of full objects, status and
    // server-set metadata included, as a user saves it before upgrading the CRDs.
    Path exported = dir.resolve("exported.yaml");
    String item =
        """
        - apiVersion: tcptune.dev/v1alpha1
          kind: TcpProfile
          metadata:
            creationTimestamp: "2026-12-07T01:11:01Z"
            finalizers: [tcptune.dev/restore]
            generation: 2
            name: %s
            resourceVersion: "285"
            uid: 6cdb6c39-6dd2-453a-93dc-5a85cc167154
          spec:
            nodeSelector:
              matchLabels: %s
            retries:
              syn: 3
          status:
            observedGeneration: 2
            matchedNodes: 3
        """;
    Files.writeString(
        exported,
        "apiVersion: v1\nkind: List\nitems:\n"
            + item.formatted("web", "{role: web}")
            + item.formatted("everything", "{}")
            + "metadata:\n  resourceVersion: \"\"\n");

    int exit = run("validate", exported.toString());

    assertThat(exit).isEqualTo(TcpTuneCommand.ERROR);
    assertThat(err.toString())
        .startsWith(
            "error: "
                + exported
                + ": items[1]: spec.nodeSelector.matchLabels: is empty, which would"
                + " select every node");
  }

  @Test
  void noFileIsAnError() {
    assertThat(run("validate")).isEqualTo(TcpTuneCommand.ERROR);
    assertThat(err.toString()).contains("no profile file given");
  }
}
