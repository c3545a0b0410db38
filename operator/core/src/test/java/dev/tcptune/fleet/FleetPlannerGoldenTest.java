package dev.tcptune.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.merge.Conflict;
import dev.tcptune.merge.NodeMerge;
import dev.tcptune.profile.ProfileValidator;
import dev.tcptune.status.ConditionFactory;
import dev.tcptune.status.ProfileStatusBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Golden files for what every node gets: {@code in-*.yaml} holds Nodes, TcpProfiles and the current
 * TcpNodeStates; {@code out-*.yaml} the merged spec and conflicts of every node and, per profile,
 * its errors, selected nodes, rollout and status. Run with {@code -Dtcptune.updateGolden=true} to
 * rewrite the outputs, then read the diff: that review is the test.
 */
class FleetPlannerGoldenTest {

  private static final Path DIR = Path.of("src/test/resources/fleet");
  private static final ObjectMapper YAML =
      new ObjectMapper(
              new YAMLFactory()
                  .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                  .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
          .setSerializationInclusion(JsonInclude.Include.NON_EMPTY)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  record GoldenInput(List<NodeInput> nodes, List<TcpProfile> profiles, List<TcpNodeState> states) {}

  static Stream<String> cases() throws IOException {
    try (Stream<Path> files = Files.list(DIR)) {
      List<String> names =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.startsWith("in-"))
              .sorted()
              .toList();
      assertThat(names).hasSizeGreaterThanOrEqualTo(6);
      return names.stream();
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void planMatchesGoldenFile(String input) throws IOException {
    GoldenInput in = YAML.readValue(DIR.resolve(input).toFile(), GoldenInput.class);
    Map<String, TcpNodeState> states = new TreeMap<>();
    if (in.states() != null) {
      in.states().forEach(s -> states.put(s.getMetadata().getName(), s));
    }

    FleetPlan plan =
        new FleetPlanner(new ProfileValidator(TunableCatalog.standard()))
            .plan(in.nodes(), in.profiles(), states);

    String actual = YAML.writeValueAsString(view(plan, states));
    Path expectedFile = DIR.resolve(input.replaceFirst("^in-", "out-"));
    if (Boolean.getBoolean("tcptune.updateGolden")) {
      Files.writeString(expectedFile, actual);
    }
    JsonNode expected = YAML.readTree(expectedFile.toFile());
    assertThat(actual).as(expectedFile.toString()).isEqualTo(YAML.writeValueAsString(expected));
  }

  /**
   * A plan made with the previous plan's reports and merges (as the operator plans after each
   * node's report) is the plan made anew: the first plan saw every state as a different object
   * whose agent had reported nothing yet, so no answer and no merge of it may carry over; planned
   * again from the same objects, every merge carries over.
   */
  @ParameterizedTest
  @MethodSource("cases")
  void planWithCarriedReportsIsThePlanMadeAnew(String input) throws IOException {
    GoldenInput in = YAML.readValue(DIR.resolve(input).toFile(), GoldenInput.class);
    Map<String, TcpNodeState> states = new TreeMap<>();
    Map<String, TcpNodeState> before = new TreeMap<>();
    if (in.states() != null) {
      for (TcpNodeState s : in.states()) {
        states.put(s.getMetadata().getName(), s);
        TcpNodeState unreported = YAML.convertValue(s, TcpNodeState.class);
        unreported.setStatus(null);
        before.put(s.getMetadata().getName(), unreported);
      }
    }
    FleetPlanner planner = new FleetPlanner(new ProfileValidator(TunableCatalog.standard()));
    AgentReports first = AgentReports.of(before);
    MergeMemo memo = new MergeMemo();
    planner.plan(in.nodes(), in.profiles(), before, first, memo);
    String anew =
        YAML.writeValueAsString(view(planner.plan(in.nodes(), in.profiles(), states), states));

    AgentReports reports = AgentReports.of(states, first);
    FleetPlan carried = planner.plan(in.nodes(), in.profiles(), states, reports, memo);
    // Planned once more from the same objects: every merge is the one the memo kept.
    FleetPlan kept = planner.plan(in.nodes(), in.profiles(), states, reports, memo);

    assertThat(YAML.writeValueAsString(view(carried, states))).isEqualTo(anew);
    assertThat(YAML.writeValueAsString(view(kept, states))).isEqualTo(anew);
    kept.nodes().forEach((node, merge) -> assertThat(merge).isSameAs(carried.nodes().get(node)));
  }

  private static Map<String, Object> view(FleetPlan plan, Map<String, TcpNodeState> states) {
    ProfileStatusBuilder statuses = new ProfileStatusBuilder(new ConditionFactory(CLOCK));
    Map<String, Object> nodes = new LinkedHashMap<>();
    for (NodeMerge merge : plan.nodes().values()) {
      Map<String, Object> node = new LinkedHashMap<>();
      node.put("spec", merge.spec());
      node.put("conflicts", merge.conflicts().stream().map(Conflict::message).toList());
      nodes.put(merge.node(), node);
    }
    Map<String, Object> profiles = new LinkedHashMap<>();
    for (ProfilePlan p : plan.profiles().values()) {
      Map<String, Object> profile = new LinkedHashMap<>();
      profile.put("errors", p.errors().stream().map(Object::toString).toList());
      profile.put("selected", p.selected());
      if (p.rollout() != null) {
        profile.put("admitted", p.rollout().admitted().stream().sorted().toList());
      }
      List<String> holding = p.deleting() ? FleetPlanner.nodesHolding(p, states) : List.of();
      profile.put(
          "status", statuses.build(p, plan.conflictsOf(p.name()), states, null, holding, false));
      profiles.put(p.name(), profile);
    }
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("nodes", nodes);
    view.put("profiles", profiles);
    return view;
  }
}
