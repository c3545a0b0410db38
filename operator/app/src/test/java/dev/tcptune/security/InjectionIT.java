package dev.tcptune.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.kernel.route.RouteRule;
import dev.tcptune.testing.RealApiServer;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Text that would do something else in a shell or on {@code ip}'s command line — spaces, quotes,
 * {@code ;}, {@code $()}, backticks, pipes, a leading {@code -}, newlines — as a route's device, a
 * route's destination or a sysctl value: refused by the API server in a TcpProfile and in a
 * TcpNodeState (which an attacker could write past the operator), and refused again by the kernel
 * layer the agent applies with, so nothing of it reaches {@code ip} or {@code /proc/sys}.
 */
@RealApiServer
class InjectionIT {

  static List<String> hostile() {
    return List.of(
        "eth0; reboot",
        "eth0 $(id)",
        "$(reboot)",
        "`id`",
        "\"eth0\"",
        "'eth0'",
        "eth0|sh",
        "eth0&&id",
        "-f",
        "--help",
        "eth0\nrto_min 1ms",
        "lo mtu 1",
        " eth0",
        "eth0\\",
        "../../etc");
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void refusedAsAProfilesRouteDevice(String value, KubernetesClient client) {
    assertRefused(
        client,
        profile("{destination: 10.0.0.0/8, device: %s, rtoMin: 20ms}".formatted(json(value))),
        "spec.rto.routes[0].device");
    assertThat(new RouteRule("10.0.0.0/8", Optional.of(value), 20).validate())
        .as("the kernel layer refuses it too")
        .hasValueSatisfying(m -> assertThat(m).contains("device").contains("is not allowed"));
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void refusedAsAProfilesRouteDestination(String value, KubernetesClient client) {
    assertRefused(
        client,
        profile("{destination: %s, rtoMin: 20ms}".formatted(json(value))),
        "spec.rto.routes[0].destination");
    assertThat(RouteRule.to(value, 20).validate())
        .as("the kernel layer refuses it too")
        .hasValueSatisfying(m -> assertThat(m).contains("destination").contains("is not allowed"));
  }

  @ParameterizedTest
  @MethodSource("hostile")
  void refusedInANodeStateWrittenPastTheOperator(String value, KubernetesClient client) {
    assertRefused(
        client,
        nodeState(
            "routes: [{destination: 10.0.0.0/8, device: %s, rtoMin: 20ms, profile: p, mode: Enforce}]"
                .formatted(json(value))),
        "spec.routes[0].device");
    assertRefused(
        client,
        nodeState(
            "routes: [{destination: %s, rtoMin: 20ms, profile: p, mode: Enforce}]"
                .formatted(json(value))),
        "spec.routes[0].destination");
    assertRefused(
        client,
        nodeState(
            "settings: [{key: net.core.somaxconn, value: %s, profile: p, mode: Enforce}]"
                .formatted(json("4096" + value))),
        "spec.settings[0].value");
    assertThat(TunableCatalog.standard().validate("net.core.somaxconn", "4096" + value))
        .as("the kernel layer refuses the value too")
        .isPresent();
  }

  private static void assertRefused(
      KubernetesClient client, io.fabric8.kubernetes.api.model.HasMetadata object, String field) {
    assertThatThrownBy(() -> client.resource(object).dryRun().create())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(422))
        .hasMessageContaining(field);
  }

  private static TcpProfile profile(String route) {
    return Serialization.unmarshal(
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpProfile
        metadata: {name: injection}
        spec:
          rto:
            routes: [%s]
        """
            .formatted(route),
        TcpProfile.class);
  }

  private static TcpNodeState nodeState(String entries) {
    return Serialization.unmarshal(
        """
        apiVersion: tcptune.dev/v1alpha1
        kind: TcpNodeState
        metadata: {name: injection-node}
        spec:
          profiles: [p]
          %s
        """
            .formatted(entries),
        TcpNodeState.class);
  }

  /** The value as a YAML (JSON) string, escapes and all. */
  private static String json(String value) {
    return Serialization.asJson(value);
  }
}
