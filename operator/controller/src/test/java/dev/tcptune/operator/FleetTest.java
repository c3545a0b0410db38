package dev.tcptune.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.api.v1alpha1.TcpNodeState;
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
          return Stream.of(node("n" + reads.get()));
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

  @Test
  void aNodesReconcileActsOnTheLastPlanUntilItsOwnStateOrAProfileOrNodeChanged() {
    CacheChanges changes = new CacheChanges();
    Fleet fleet = new Fleet(changes);
    Map<String, TcpNodeState> states = new TreeMap<>();
    states.put("n1", state("n1", "10"));
    states.put("n2", state("n2", "20"));
    Supplier<Stream<Node>> nodes = () -> Stream.of(node("n1"), node("n2"));
    Supplier<Stream<TcpNodeState>> cached = () -> List.copyOf(states.values()).stream();

    Fleet.Snapshot first = fleet.planFor("n1", "10", nodes, Stream::empty, cached);

    states.put("n2", state("n2", "21"));
    changes.stateChanged();
    assertThat(fleet.planFor("n1", "10", nodes, Stream::empty, cached))
        .as("another node's report: n1's reconcile acts on the plan that holds its own state")
        .isSameAs(first);
    Fleet.Snapshot withN2 = fleet.planFor("n2", "21", nodes, Stream::empty, cached);
    assertThat(withN2).as("n2's reconcile needs a plan of its new state").isNotSameAs(first);
    assertThat(withN2.states().get("n2").getMetadata().getResourceVersion()).isEqualTo("21");

    states.put("n1", state("n1", "11"));
    changes.stateChanged();
    Fleet.Snapshot withN1 = fleet.planFor("n1", "11", nodes, Stream::empty, cached);
    assertThat(withN1).isNotSameAs(withN2);
    assertThat(fleet.planFor("n2", "21", nodes, Stream::empty, cached))
        .as("one plan serves every node whose state it holds")
        .isSameAs(withN1);

    changes.changed();
    assertThat(fleet.planFor("n1", "11", nodes, Stream::empty, cached))
        .as("a profile or Node changed: what any node gets may have changed")
        .isNotSameAs(withN1);
  }

  @Test
  void aStateWrittenButNotYetCachedDoesNotPlanAgainWhileNothingChanged() {
    CacheChanges changes = new CacheChanges();
    Fleet fleet = new Fleet(changes);
    AtomicInteger reads = new AtomicInteger();
    Supplier<Stream<TcpNodeState>> cached =
        () -> {
          reads.incrementAndGet();
          return Stream.of(state("n1", "10"));
        };
    Supplier<Stream<Node>> nodes = () -> Stream.of(node("n1"));

    Fleet.Snapshot first = fleet.planFor("n1", "10", nodes, Stream::empty, cached);
    // The reconcile sees its own write (resourceVersion 11) before the watch brings it.
    assertThat(fleet.planFor("n1", "11", nodes, Stream::empty, cached)).isSameAs(first);
    assertThat(reads).hasValue(1);
  }

  private static Node node(String name) {
    return new NodeBuilder().withNewMetadata().withName(name).endMetadata().build();
  }

  private static TcpNodeState state(String node, String resourceVersion) {
    TcpNodeState state = new TcpNodeState();
    state.setMetadata(
        new ObjectMetaBuilder().withName(node).withResourceVersion(resourceVersion).build());
    return state;
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
