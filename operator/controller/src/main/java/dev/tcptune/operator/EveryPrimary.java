package dev.tcptune.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The secondary-to-primary mapping for an event that can change every primary: a profile changes
 * what every node gets, and a node or a node report every profile's counts. Fine for events of few
 * objects or towards few primaries (profiles); node reports reach their own Node only (see {@link
 * Fleet}).
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
