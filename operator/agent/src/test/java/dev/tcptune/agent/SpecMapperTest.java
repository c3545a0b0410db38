package dev.tcptune.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.kernel.apply.DesiredSetting;
import dev.tcptune.kernel.apply.Mode;
import org.junit.jupiter.api.Test;

/** The spec as the agent reads it off the wire: nothing in it is trusted. */
class SpecMapperTest {

  @Test
  void readsHostileJsonAndMapsEveryEntryOrNamesWhyNot() {
    TcpNodeState state =
        AgentSerialization.create()
            .unmarshal(
                """
                {"apiVersion": "tcptune.dev/v1alpha1", "kind": "TcpNodeState",
                 "metadata": {"name": "n1"},
                 "spec": {"settings": [
                   {"key": "kernel.core_pattern", "value": "|/bin/sh -c id"},
                   {"key": "net.core.somaxconn", "value": "8192", "mode": "Apply"},
                   {"key": "net.ipv4.tcp_fin_timeout", "value": "30", "mode": "Enforce"},
                   {"key": "net.ipv4.tcp_keepalive_time"}],
                  "routes": [{"destination": "default", "rtoMin": "20 ms"}]}}
                """,
                TcpNodeState.class);

    SpecMapper.Mapped mapped = SpecMapper.map(state.getSpec());

    assertThat(mapped.desired().settings())
        .containsExactly(
            new DesiredSetting("kernel.core_pattern", "|/bin/sh -c id", Mode.ENFORCE),
            new DesiredSetting("net.core.somaxconn", "8192", Mode.AUDIT),
            new DesiredSetting("net.ipv4.tcp_fin_timeout", "30", Mode.ENFORCE));
    assertThat(mapped.errors())
        .containsExactly(
            "spec.settings[3]: key and value are required",
            "spec.routes[0].rtoMin: '20 ms' is not allowed (allowed: a duration in ms or s,"
                + " 1ms..1s, e.g. 50ms)");
  }
}
