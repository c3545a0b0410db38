package dev.tcptune.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The secondary-to-primary mapping of the fleet-wide reconcilers: one profile or node state can
 * change what every node gets and every profile reports, so an event maps to every primary.
 */
final class EveryPrimary {

  private EveryPrimary() {}

  static <P extends HasMetadata> Set<ResourceID> of(EventSourceContext<P> context) {
    return context
        .getPrimaryCache()
        .list()
        .map(ResourceID::fromResource)
        .collect(Collectors.toSet());
  }
}
