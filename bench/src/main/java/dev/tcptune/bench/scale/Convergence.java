package dev.tcptune.bench.scale;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.localcluster.LocalControlPlane;
import dev.tcptune.operator.OperatorConfig;
import dev.tcptune.operator.TcpTuneOperator;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Item 5 of issue 11: the operator (in this JVM, on its own client) and N simulated nodes (agents
 * in this JVM on one shared client) against the real API server. Per fleet size and rollout:
 * seconds from creating a TcpProfile to its status reporting every node Applied; the writes each
 * client sent for that change, counted by a fabric8 interceptor on each client; then the writes per
 * minute while nothing changes.
 */
final class Convergence {

  static final String NAMESPACE = "tcptune-system";
  private static final Duration QUIET = Duration.ofSeconds(2);
  private static final Duration SETTLE_MAX = Duration.ofSeconds(60);

  enum Rollout {
    ALL_AT_ONCE("all", "all-at-once", "maxUnavailable: \"100%\""),
    STAGED("staged", "staged (default maxUnavailable 1)", null);

    final String arg;
    final String label;
    final String yaml;

    Rollout(String arg, String label, String yaml) {
      this.arg = arg;
      this.label = label;
      this.yaml = yaml;
    }
  }

  private final LocalControlPlane controlPlane;
  private final ScaleOptions options;
  private final PrintStream out;
  private final KubernetesClient admin;
  private final RequestCounter operatorRequests = new RequestCounter();
  private final RequestCounter agentRequests = new RequestCounter();
  private final List<Figure> figures = new ArrayList<>();
  private final CpuMeter cpu;

  Convergence(LocalControlPlane controlPlane, ScaleOptions options, PrintStream out) {
    this.controlPlane = controlPlane;
    this.options = options;
    this.out = out;
    this.admin = controlPlane.adminClient();
    this.cpu = new CpuMeter(admin.getMasterUrl().toString());
  }

  List<Figure> run() throws Exception {
    admin
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .serverSideApply();
    Path stateDir = Files.createTempDirectory(controlPlane.workDir(), "agents-");
    try (KubernetesClient operatorClient = client(operatorRequests, false);
        KubernetesClient agentClient = client(agentRequests, true);
        TcpTuneOperator operator =
            TcpTuneOperator.start(
                operatorClient,
                OperatorConfig.fromEnvironment(
                    Map.of(
                        "TCPTUNE_NAMESPACE", NAMESPACE,
                        "POD_NAME", "bench-operator",
                        "TCPTUNE_PROBE_PORT", "0")),
                Clock.systemUTC(),
                false)) {
      for (int n : options.nodes()) {
        out.printf("convergence: %d simulated nodes%n", n);
        try (SimulatedFleet fleet =
            SimulatedFleet.start(admin, agentClient, n, stateDir, Duration.ofSeconds(10))) {
          awaitQuiet();
          for (Rollout rollout : Rollout.values()) {
            if (options.rollouts().contains(rollout.arg)) {
              measure(n, rollout);
            }
          }
          measureIdle(n);
        }
        await(
            Duration.ofMinutes(2),
            "Node objects deleted",
            () -> admin.nodes().list().getItems().isEmpty());
      }
    }
    return figures;
  }

  /** One timed step of a run: the seconds until every node is Applied and each client's writes. */
  private record Step(
      double seconds,
      RequestCounter.Counts operator,
      RequestCounter.Counts agents,
      CpuMeter.Reading cpu) {
    /** Writes caused by the change: the leader election's Lease renewals go on regardless. */
    long writes() {
      return operator.writesExcept("leases") + agents.writes();
    }
  }

  /**
   * Per run: create a profile on nodes that never had one (the agents record the originals first,
   * then apply), then change it (a new value on every node), then delete it and wait until every
   * node has restored its originals and its state is gone.
   */
  private void measure(int n, Rollout rollout) throws Exception {
    List<Step> creates = new ArrayList<>();
    List<Step> changes = new ArrayList<>();
    Duration timeout = Duration.ofSeconds(Math.max(60, n / 2));
    String timedOut = null;
    for (int run = 1; run <= options.runs(); run++) {
      String name = "scale-" + (rollout == Rollout.STAGED ? "staged" : "all") + "-" + run;
      try {
        Step create = step(n, timeout, () -> admin.resource(profile(name, rollout, 1024)).create());
        Step change =
            step(
                n,
                timeout,
                () ->
                    admin
                        .resources(TcpProfile.class)
                        .withName(name)
                        .edit(
                            p -> {
                              p.setSpec(profile(name, rollout, 8192).getSpec());
                              return p;
                            }));
        creates.add(create);
        changes.add(change);
        out.printf(
            "  %s run %d: create %.2f s, writes operator %d agents %d, %s; change %.2f s, writes"
                + " operator %d agents %d, %s%n",
            rollout.label,
            run,
            create.seconds(),
            create.operator().writes(),
            create.agents().writes(),
            create.cpu(),
            change.seconds(),
            change.operator().writes(),
            change.agents().writes(),
            change.cpu());
      } catch (IllegalStateException e) {
        timedOut = e.getMessage();
        out.println("  " + timedOut);
        break;
      } finally {
        deleteAndAwaitRestore(name);
      }
    }
    String label = rollout.label + " N=" + n;
    if (creates.isEmpty()) {
      figures.add(
          rollout == Rollout.ALL_AT_ONCE && n >= 1000
              ? Figure.checked("convergence " + label, timedOut, "<= 10 s", false)
              : Figure.of("convergence " + label, timedOut));
      return;
    }
    String then = timedOut == null ? "" : "; then: " + timedOut;
    Stats created = Stats.of(creates.stream().map(Step::seconds).toList());
    Stats changed = Stats.of(changes.stream().map(Step::seconds).toList());
    String times =
        "create " + created.format("s", "%.2f") + "; change " + changed.format("s", "%.2f") + then;
    if (rollout == Rollout.ALL_AT_ONCE && n >= 1000) {
      figures.add(
          Figure.checked(
              "convergence " + label, times, "<= 10 s", created.max() <= 10 && timedOut == null));
    } else {
      figures.add(Figure.of("convergence " + label, times));
    }
    figures.add(
        Figure.of(
            "CPU per profile change, " + label,
            String.format(
                "medians, CPU s: kube-apiserver %.1f, etcd %.1f, benchmark JVM (operator +"
                    + " agents) %.1f; the API server alone bounds a"
                    + " change to %.1f s on %d cores",
                median(changes, CpuMeter.Reading::apiServer),
                median(changes, CpuMeter.Reading::etcd),
                median(changes, CpuMeter.Reading::jvm),
                median(changes, CpuMeter.Reading::apiServer)
                    / Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().availableProcessors())));
    figures.add(Figure.of("writes to create a profile, " + label, writes(creates)));
    long worst = changes.stream().mapToLong(Step::writes).max().orElseThrow();
    figures.add(
        Figure.checked(
            "writes per profile change, " + label,
            writes(changes),
            "<= 2N+10 = " + (2 * n + 10),
            worst <= 2L * n + 10));
  }

  private static double median(List<Step> steps, ToDoubleFunction<CpuMeter.Reading> part) {
    return Stats.of(steps.stream().map(s -> part.applyAsDouble(s.cpu())).toList()).median();
  }

  private static String writes(List<Step> steps) {
    Stats op =
        Stats.of(steps.stream().map(s -> (double) s.operator().writesExcept("leases")).toList());
    Stats ag = Stats.of(steps.stream().map(s -> (double) s.agents().writes()).toList());
    Step last = steps.get(steps.size() - 1);
    return String.format(
        "operator %.0f + agents %.0f (medians, Lease renewals aside; worst total %d); last run:"
            + " operator %s, agents %s",
        op.median(),
        ag.median(),
        steps.stream().mapToLong(Step::writes).max().orElseThrow(),
        last.operator(),
        last.agents());
  }

  /** Runs {@code change}, waits until every node reports its generation Applied, then for quiet. */
  private Step step(int n, Duration timeout, java.util.function.Supplier<TcpProfile> change)
      throws InterruptedException {
    RequestCounter.Counts op0 = operatorRequests.snapshot();
    RequestCounter.Counts ag0 = agentRequests.snapshot();
    CpuMeter.Reading cpu0 = cpu.read();
    long start = System.nanoTime();
    TcpProfile written = change.get();
    String name = written.getMetadata().getName();
    long generation = written.getMetadata().getGeneration();
    await(
        timeout,
        name + " generation " + generation + " Applied on " + n + " nodes",
        () -> applied(name, generation, n));
    double seconds = (System.nanoTime() - start) / 1e9;
    CpuMeter.Reading used = cpu.read().minus(cpu0);
    awaitQuiet();
    return new Step(
        seconds, operatorRequests.snapshot().minus(op0), agentRequests.snapshot().minus(ag0), used);
  }

  private void measureIdle(int n) throws Exception {
    String name = "scale-idle";
    TcpProfile created = admin.resource(profile(name, Rollout.ALL_AT_ONCE, 2048)).create();
    long generation = created.getMetadata().getGeneration();
    await(Duration.ofMinutes(10), name + " Applied", () -> applied(name, generation, n));
    awaitQuiet();
    RequestCounter.Counts op0 = operatorRequests.snapshot();
    RequestCounter.Counts ag0 = agentRequests.snapshot();
    Thread.sleep(options.idle().toMillis());
    RequestCounter.Counts op = operatorRequests.snapshot().minus(op0);
    RequestCounter.Counts ag = agentRequests.snapshot().minus(ag0);
    double minutes = options.idle().toMillis() / 60_000.0;
    long tcptuneWrites = op.writesExcept("leases");
    figures.add(
        Figure.checked(
            "idle operator writes/min N=" + n,
            String.format(
                "%.1f to tcptune objects; %.1f to its leader-election Lease (over %d s: %s)",
                tcptuneWrites / minutes,
                op.only("leases").writes() / minutes,
                options.idle().toSeconds(),
                op),
            "none (Lease renewals aside)",
            tcptuneWrites == 0));
    // A heartbeat is 90%..110% of 5 min after the last write: at most one per agent per 4.5 min.
    double bound = n / (0.9 * 5);
    figures.add(
        Figure.checked(
            "idle agent writes/min N=" + n,
            String.format(
                "%.1f (over %d s: %s)", ag.writes() / minutes, options.idle().toSeconds(), ag),
            String.format("<= heartbeat bound N/4.5 min = %.1f/min", bound),
            ag.writes() / minutes <= bound + 1e-9));
    deleteAndAwaitRestore(name);
  }

  private void deleteAndAwaitRestore(String name) throws InterruptedException {
    admin.resources(TcpProfile.class).withName(name).delete();
    await(
        Duration.ofMinutes(10),
        name + " deleted and every node restored",
        () ->
            admin.resources(TcpProfile.class).withName(name).get() == null
                && admin.resources(TcpNodeState.class).list().getItems().isEmpty());
    awaitQuiet();
  }

  private boolean applied(String name, long generation, int n) {
    TcpProfile p = admin.resources(TcpProfile.class).withName(name).get();
    return p != null
        && p.getStatus() != null
        && Objects.equals(p.getStatus().getObservedGeneration(), generation)
        && Objects.equals(p.getStatus().getMatchedNodes(), n)
        && Objects.equals(p.getStatus().getAppliedNodes(), n);
  }

  /** Waits until neither client has written for {@link #QUIET}. */
  private void awaitQuiet() throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE_MAX.toNanos();
    long last = operatorRequests.snapshot().writes() + agentRequests.snapshot().writes();
    long quietSince = System.nanoTime();
    while (System.nanoTime() - quietSince < QUIET.toNanos() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      long now = operatorRequests.snapshot().writes() + agentRequests.snapshot().writes();
      if (now != last) {
        last = now;
        quietSince = System.nanoTime();
      }
    }
  }

  private TcpProfile profile(String name, Rollout rollout, int somaxconn) {
    String yaml =
        String.join(
            "\n",
            "apiVersion: tcptune.dev/v1alpha1",
            "kind: TcpProfile",
            "metadata:",
            "  name: " + name,
            "spec:",
            "  nodeSelector:",
            "    matchLabels:",
            "      " + SimulatedFleet.POOL_LABEL + ": " + SimulatedFleet.POOL,
            "  priority: 10",
            "  mode: Enforce",
            rollout.yaml == null ? "" : "  rollout:\n    " + rollout.yaml,
            "  listenQueue:",
            "    somaxconn: " + somaxconn,
            "    maxSynBacklog: " + (somaxconn * 2),
            "  keepalive:",
            "    timeSeconds: 600",
            "    intervalSeconds: 30",
            "    probes: 5",
            "");
    return admin
        .resources(TcpProfile.class)
        .load(
            new java.io.ByteArrayInputStream(
                yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .item();
  }

  private KubernetesClient client(RequestCounter counter, boolean agent) {
    KubernetesClientBuilder builder =
        agent
            ? SimulatedFleet.agentClient(controlPlane.kubeConfigYaml())
            : new KubernetesClientBuilder()
                .withHttpClientFactory(new JdkHttpClientFactory())
                .withConfig(Config.fromKubeconfig(controlPlane.kubeConfigYaml()));
    return builder
        .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("bench-requests", counter))
        .build();
  }

  static void await(Duration within, String what, BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "did not finish within " + within.toSeconds() + " s: " + what);
      }
      Thread.sleep(50);
    }
  }
}
