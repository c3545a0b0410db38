package dev.tcptune.bench.scale;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.NodeStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Node status the size a kubelet writes on a busy node (conditions, addresses, capacity, node
 * info and 50 images, about 15 KiB of JSON), so that what the operator caches of Nodes is measured
 * at its real size and not as bare metadata.
 */
final class KubeletNodeStatus {

  static final int IMAGES = 50;

  private KubeletNodeStatus() {}

  static NodeStatus of(String node, int index) {
    List<ContainerImage> images = new ArrayList<>();
    for (int i = 0; i < IMAGES; i++) {
      String repo = "registry.example.com/team-" + (i % 7) + "/service-" + i;
      String digest = String.format("sha256:%064x", (long) index * IMAGES + i);
      images.add(
          new ContainerImage(List.of(repo + "@" + digest, repo + ":v1." + i + ".0"), 50_000_000L));
    }
    var builder =
        new NodeStatusBuilder()
            .addNewAddress("10.0." + index / 250 + "." + index % 250, "InternalIP")
            .addNewAddress(node, "Hostname")
            .withCapacity(resources("8", "32Gi", "110"))
            .withAllocatable(resources("7910m", "31Gi", "110"))
            .withNewDaemonEndpoints()
            .withNewKubeletEndpoint(10250)
            .endDaemonEndpoints()
            .withNewNodeInfo()
            .withArchitecture("amd64")
            .withBootID("b0e1d2c3-0000-4000-8000-" + String.format("%012d", index))
            .withContainerRuntimeVersion("containerd://2.1.4")
            .withKernelVersion("6.8.0-1021-aws")
            .withKubeProxyVersion("v1.35.4")
            .withKubeletVersion("v1.35.4")
            .withMachineID(String.format("%032x", index))
            .withOperatingSystem("linux")
            .withOsImage("Ubuntu 24.04.1 LTS")
            .withSystemUUID(String.format("ec2%029x", index))
            .endNodeInfo()
            .withImages(images);
    for (String type :
        List.of("MemoryPressure", "DiskPressure", "PIDPressure", "NetworkUnavailable", "Ready")) {
      boolean ready = type.equals("Ready");
      builder
          .addNewCondition()
          .withType(type)
          .withStatus(ready ? "True" : "False")
          .withReason(ready ? "KubeletReady" : "KubeletHasNo" + type)
          .withMessage(ready ? "kubelet is posting ready status" : "kubelet has no " + type)
          .withLastHeartbeatTime("2026-12-06T10:00:00Z")
          .withLastTransitionTime("2026-12-01T10:00:00Z")
          .endCondition();
    }
    return builder.build();
  }

  private static Map<String, Quantity> resources(String cpu, String memory, String pods) {
    return Map.of(
        "cpu", new Quantity(cpu),
        "memory", new Quantity(memory),
        "pods", new Quantity(pods),
        "ephemeral-storage", new Quantity("100Gi"));
  }
}
