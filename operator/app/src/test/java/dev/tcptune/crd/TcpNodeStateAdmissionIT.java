package dev.tcptune.crd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpNodeStateSpec;
import dev.tcptune.testing.RealApiServer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.FieldValidateable.Validation;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A TcpNodeState is a security boundary: whoever may write one gets values written as root on the
 * node. The API server must refuse everything but the catalog's keys with values of their shape,
 * valid route destinations and device names, and bounded lists.
 */
@RealApiServer
class TcpNodeStateAdmissionIT {

  private static final ResourceDefinitionContext NODE_STATES =
      ResourceDefinitionContext.fromResourceType(TcpNodeState.class);

  @Test
  void refusesAKeyOutsideTheCatalogNamingTheFieldAndTheAllowedKeys(KubernetesClient client) {
    String message =
        refusal(
            client,
            "admission-core-pattern",
            "settings: [{key: kernel.core_pattern, value: '|/bin/sh -c id'}]");

    assertThat(message)
        .contains("spec.settings[0].key")
        .contains("Unsupported value: \"kernel.core_pattern\"")
        .contains("supported values:")
        .contains("\"net.core.somaxconn\"")
        .contains("\"net.ipv4.tcp_keepalive_time\"");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "shell in a catalog key's value | settings: [{key: net.core.somaxconn, value: '4096; id'}]"
            + " | spec.settings[0].value",
        "port range for a single value | settings: [{key: net.core.somaxconn, value: '1 2'}]"
            + " | 'value: 1 2 is not allowed for net.core.somaxconn (allowed: a non-negative"
            + " integer)'",
        "single value for the port range | settings: [{key: net.ipv4.ip_local_port_range, value:"
            + " '1024'}] | allowed: two ports",
        "too long a value | settings: [{key: net.core.somaxconn, value: '12345678901234567'}]"
            + " | spec.settings[0].value: Too long",
        "a key twice | settings: [{key: net.core.somaxconn, value: '4096'}, {key:"
            + " net.core.somaxconn, value: '8192'}] | each key may appear only once",
        "hostname destination | routes: [{destination: example.com, rtoMin: 20ms}]"
            + " | spec.routes[0].destination",
        "bad CIDR | routes: [{destination: 10.0.0.0/33, rtoMin: 20ms}]"
            + " | 'destination: 10.0.0.0/33 is not default, an IP address or a CIDR'",
        "device with a slash | routes: [{destination: default, device: ../eth0, rtoMin: 20ms}]"
            + " | spec.routes[0].device",
        "device dot-dot | routes: [{destination: default, device: '..', rtoMin: 20ms}]"
            + " | spec.routes[0].device",
        "device with an address label | routes: [{destination: default, device: 'eth0:1', rtoMin:"
            + " 20ms}] | spec.routes[0].device",
        "device with a space | routes: [{destination: default, device: 'eth0 mtu', rtoMin: 20ms}]"
            + " | spec.routes[0].device",
        "rtoMin with a shell | routes: [{destination: default, rtoMin: '20ms;id'}]"
            + " | spec.routes[0].rtoMin",
        "unknown mode | settings: [{key: net.core.somaxconn, value: '4096', mode: Apply}]"
            + " | spec.settings[0].mode: Unsupported value: \"Apply\"",
      })
  void refusesBadSpec(String name, String spec, String expected, KubernetesClient client) {
    assertThat(refusal(client, "admission-" + name.replaceAll("[^a-z]+", "-"), spec))
        .contains(expected);
  }

  @Test
  void refusesMoreSettingsThanTheLimit(KubernetesClient client) {
    String settings =
        IntStream.range(0, TcpNodeStateSpec.MAX_SETTINGS + 1)
            .mapToObj(i -> "{key: net.core.somaxconn, value: '" + (128 + i) + "'}")
            .collect(Collectors.joining(", ", "settings: [", "]"));

    assertThat(refusal(client, "admission-too-many", settings))
        .contains("spec.settings: Too many: 33: must have at most 32 items");
  }

  @Test
  void acceptsEveryCatalogKeyAndRouteForm(KubernetesClient client) {
    String name = "admission-good";
    GenericKubernetesResource state =
        nodeState(
            name,
            """
            profiles: [busy-listener]
            settings:
              - {key: net.core.somaxconn, value: '8192', profile: busy-listener, mode: Enforce}
              - {key: net.ipv4.ip_local_port_range, value: '10240 65000', mode: Audit}
              - {key: net.ipv4.tcp_rto_min_us, value: '50000'}
            routes:
              - {destination: default, rtoMin: 50ms}
              - {destination: 10.0.0.0/8, device: eth0.100, rtoMin: 1s}
              - {destination: 'fd00::/8', device: bond0.1, rtoMin: 20ms}
              - {destination: 127.0.0.1, device: lo, rtoMin: 5ms, mode: Audit}
            """);
    try {
      GenericKubernetesResource stored =
          client
              .genericKubernetesResources(NODE_STATES)
              .resource(state)
              .fieldValidation(Validation.STRICT)
              .create();
      assertThat(stored.getAdditionalProperties().get("spec"))
          .isEqualTo(state.getAdditionalProperties().get("spec"));
    } finally {
      delete(client, name);
    }
  }

  private static String refusal(KubernetesClient client, String name, String specYaml) {
    GenericKubernetesResource state = nodeState(name, specYaml);
    KubernetesClientException refusal =
        catchThrowableOfType(
            KubernetesClientException.class,
            () ->
                client
                    .genericKubernetesResources(NODE_STATES)
                    .resource(state)
                    .fieldValidation(Validation.STRICT)
                    .create());
    if (refusal == null) {
      delete(client, name);
    }
    assertThat(refusal).as("the API server accepted %s", specYaml).isNotNull();
    assertThat(refusal.getCode()).isEqualTo(422);
    return refusal.getStatus().getMessage();
  }

  private static GenericKubernetesResource nodeState(String name, String specYaml) {
    String indented = specYaml.strip().replace("\n", "\n  ");
    return Serialization.unmarshal(
        "apiVersion: tcptune.dev/v1alpha1\nkind: TcpNodeState\nmetadata:\n  name: "
            + name
            + "\nspec:\n  "
            + indented
            + "\n",
        GenericKubernetesResource.class);
  }

  private static void delete(KubernetesClient client, String name) {
    client.genericKubernetesResources(NODE_STATES).withName(name).delete();
    Awaitility.await("deletion of " + name)
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.genericKubernetesResources(NODE_STATES).withName(name).get() == null);
  }
}
