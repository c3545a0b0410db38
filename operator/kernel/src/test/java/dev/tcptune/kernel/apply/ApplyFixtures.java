package dev.tcptune.kernel.apply;

import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.catalog.Tunable;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.kernel.route.InMemoryRouteTable;
import dev.tcptune.kernel.route.IpFamily;
import dev.tcptune.kernel.route.Route;
import dev.tcptune.kernel.sysctl.InMemorySysctlStore;
import java.util.List;

/**
 * A fresh namespace in memory: every catalog key at its default, a loopback and a default route.
 */
final class ApplyFixtures {

  static final KernelVersion KERNEL = KernelVersion.of(6, 18, 44);
  static final Route LOOPBACK = Route.of(IpFamily.INET, "local", "127.0.0.1", "lo", "local");
  static final Route DEFAULT = Route.of(IpFamily.INET, "unicast", "default", "eth0", "main");

  private ApplyFixtures() {}

  static InMemorySysctlStore defaults() {
    InMemorySysctlStore store = new InMemorySysctlStore();
    for (Tunable t : TunableCatalog.standard().all()) {
      store.put(t.key(), t.kernelDefault());
    }
    return store;
  }

  static InMemoryRouteTable routes() {
    return new InMemoryRouteTable(List.of(LOOPBACK, DEFAULT));
  }
}
