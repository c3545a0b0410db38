package dev.tcptune.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.fleet.FleetPlan;
import dev.tcptune.fleet.ProfilePlan;
import dev.tcptune.fleet.RolloutPlan;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class FleetTest {

  @Test
  void aFirstPlanAdmitsEveryNodeItLetsIn() {
    assertThat(Fleet.newlyAdmitted(null, plan(rollout("staged", 1, "n1")))).containsExactly("n1");
  }

  @Test
  void onlyNodesTheLastPlanHadNotAdmittedAreWoken() {
    FleetPlan before = plan(rollout("staged", 1, "n1"), rollout("other", 3, "n1", "n2"));
    FleetPlan after = plan(rollout("staged", 1, "n1", "n2"), rollout("other", 3, "n1", "n2"));

    assertThat(Fleet.newlyAdmitted(before, after)).containsExactly("n2");
    assertThat(Fleet.newlyAdmitted(after, after)).as("the same plan again wakes nobody").isEmpty();
  }

  @Test
  void aNewGenerationStartsItsAdmissionsAfresh() {
    FleetPlan before = plan(rollout("staged", 1, "n1", "n2"));
    FleetPlan after = plan(rollout("staged", 2, "n1"));

    assertThat(Fleet.newlyAdmitted(before, after)).containsExactly("n1");
  }

  @Test
  void invalidOrDeletedProfilesAdmitNobody() {
    ProfilePlan invalid = new ProfilePlan(profile("bad"), List.of(), List.of("n1"), null);

    assertThat(Fleet.newlyAdmitted(null, plan(invalid))).isEmpty();
  }

  @Test
  void plansAgainOnlyAfterACacheChanged() {
    CacheChanges changes = new CacheChanges();
    Fleet fleet = new Fleet(changes);
    AtomicInteger reads = new AtomicInteger();
    Supplier<Stream<Node>> nodes =
        () -> {
          reads.incrementAndGet();
          return Stream.of(
              new NodeBuilder()
                  .withNewMetadata()
                  .withName("n" + reads.get())
                  .endMetadata()
                  .build());
        };

    Fleet.Snapshot first = fleet.plan(nodes, Stream::empty, Stream::empty);
    Fleet.Snapshot same = fleet.plan(nodes, Stream::empty, Stream::empty);
    assertThat(same).isSameAs(first);
    assertThat(reads).as("the caches are not read while nothing changed").hasValue(1);

    changes.changed();
    Fleet.Snapshot next = fleet.plan(nodes, Stream::empty, Stream::empty);
    assertThat(next).isNotSameAs(first);
    assertThat(reads).hasValue(2);
  }

  private static FleetPlan plan(ProfilePlan... profiles) {
    Map<String, ProfilePlan> byName = new TreeMap<>();
    for (ProfilePlan p : profiles) {
      byName.put(p.name(), p);
    }
    return new FleetPlan(byName, Map.of());
  }

  private static ProfilePlan rollout(String name, long generation, String... admitted) {
    return new ProfilePlan(
        profile(name),
        List.of(),
        List.of("n1", "n2", "n3"),
        new RolloutPlan(
            generation,
            Set.of(admitted),
            admitted.length,
            0,
            3 - admitted.length,
            false,
            Optional.empty()));
  }

  private static TcpProfile profile(String name) {
    TcpProfile profile = new TcpProfile();
    profile.setMetadata(new ObjectMetaBuilder().withName(name).withGeneration(1L).build());
    return profile;
  }
}
