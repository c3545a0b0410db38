package dev.tcptune.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.fleet.FleetPlan;
import dev.tcptune.fleet.ProfilePlan;
import dev.tcptune.fleet.RolloutPlan;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

  private static FleetPlan plan(ProfilePlan... profiles) {
    Map<String, ProfilePlan> byName = new java.util.TreeMap<>();
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
