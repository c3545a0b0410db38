package dev.tcptune.bench.scale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.bench.kernel.FullProfile;
import dev.tcptune.localcluster.LocalControlPlane;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/**
 * What one write of a TcpNodeState costs the API server, by kind of write and by object size: the
 * unit behind the convergence benchmark's CPU per change (2N writes). N states with 1, 5 and all
 * catalog settings, shaped as the operator writes their spec and the agent their status, then N
 * writes of each kind from 8 threads, with the API server's CPU seconds over the N writes.
 */
final class WriteCost {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int THREADS = 8;
  private static final String MANAGER = "tcptune-operator";

  private final LocalControlPlane controlPlane;
  private final int n;
  private final PrintStream out;
  private final List<Figure> figures = new ArrayList<>();

  WriteCost(LocalControlPlane controlPlane, ScaleOptions options, PrintStream out) {
    this.controlPlane = controlPlane;
    this.n = options.writeNodes();
    this.out = out;
  }

  List<Figure> run() throws Exception {
    Map<String, String> catalog = FullProfile.variant(0).sysctls();
    Config config = Config.fromKubeconfig(controlPlane.kubeConfigYaml());
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withHttpClientFactory(new JdkHttpClientFactory())
            .withConfig(config)
            .build()) {
      CpuMeter cpu = new CpuMeter(client.getMasterUrl().toString());
      for (int settings : List.of(1, 5, catalog.size())) {
        measure(client, cpu, pool, catalog, settings);
      }
      measureWithWatches(client, cpu, pool, catalog);
    } finally {
      pool.shutdownNow();
    }
    return figures;
  }

  private void measure(
      KubernetesClient client,
      CpuMeter cpu,
      ExecutorService pool,
      Map<String, String> catalog,
      int settings)
      throws Exception {
    String prefix = "wc" + settings + "-";
    out.printf("write cost: %d states with %d settings%n", n, settings);
    time(cpu, pool, i -> applySpec(client, prefix + i, spec(catalog, settings, 0)));
    time(cpu, pool, i -> patchStatus(client, prefix + i, status(catalog, settings, 0)));
    long bytes =
        client
            .getKubernetesSerialization()
            .asJson(client.resources(TcpNodeState.class).withName(prefix + 0).get())
            .length();
    double status =
        time(cpu, pool, i -> patchStatus(client, prefix + i, status(catalog, settings, 1)));
    double spec = time(cpu, pool, i -> applySpec(client, prefix + i, spec(catalog, settings, 1)));
    double small =
        time(
            cpu,
            pool,
            i ->
                patch(
                    client,
                    prefix + i,
                    "{\"status\":{\"lastCheckTime\":\"" + Instant.now() + "\"}}"));
    double get =
        time(cpu, pool, i -> client.resources(TcpNodeState.class).withName(prefix + i).get());
    figures.add(
        Figure.of(
            String.format("API server CPU per write, %d settings", settings),
            String.format(
                "object %,d bytes: status merge patch %.2f ms, spec apply %.2f ms, one-field status"
                    + " patch %.2f ms; a GET %.2f ms (%d of each)",
                bytes, status, spec, small, get, n)));
    client.resources(TcpNodeState.class).delete();
  }

  /** The same status patches while every state has an agent's field-selector watch on it. */
  private void measureWithWatches(
      KubernetesClient client, CpuMeter cpu, ExecutorService pool, Map<String, String> catalog)
      throws Exception {
    String prefix = "ww-";
    time(cpu, pool, i -> applySpec(client, prefix + i, spec(catalog, 5, 0)));
    time(cpu, pool, i -> patchStatus(client, prefix + i, status(catalog, 5, 0)));
    double without = time(cpu, pool, i -> patchStatus(client, prefix + i, status(catalog, 5, 1)));
    AtomicLong events = new AtomicLong();
    List<Watch> watches = new ArrayList<>();
    try (KubernetesClient agents =
        SimulatedFleet.agentClient(controlPlane.kubeConfigYaml()).build()) {
      for (int i = 0; i < n; i++) {
        watches.add(
            agents
                .resources(TcpNodeState.class)
                .withField("metadata.name", prefix + i)
                .watch(
                    new Watcher<>() {
                      @Override
                      public void eventReceived(Action action, TcpNodeState resource) {
                        events.incrementAndGet();
                      }

                      @Override
                      public void onClose(WatcherException cause) {}
                    }));
      }
      // A new watch first lists its state as ADDED: count from after those.
      awaitEvents(events, n);
      events.set(0);
      double with = time(cpu, pool, i -> patchStatus(client, prefix + i, status(catalog, 5, 0)));
      awaitEvents(events, n);
      figures.add(
          Figure.of(
              "API server CPU per status write, " + n + " watches",
              String.format(
                  "%.2f ms with one field-selector watch per state open (%d events delivered),"
                      + " %.2f ms without",
                  with, events.get(), without)));
      watches.forEach(Watch::close);
    }
    client.resources(TcpNodeState.class).delete();
  }

  private static void awaitEvents(AtomicLong events, int count) throws InterruptedException {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (events.get() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "watches delivered " + events.get() + " of " + count + " events within 60 s");
      }
      Thread.sleep(10);
    }
  }

  /** Runs {@code op} for 0..n-1 on the pool; the API server's CPU milliseconds per op. */
  private double time(CpuMeter cpu, ExecutorService pool, IntConsumer op) throws Exception {
    CpuMeter.Reading before = cpu.read();
    List<Future<?>> done = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = i;
      done.add(pool.submit(() -> op.accept(k)));
    }
    for (Future<?> f : done) {
      f.get();
    }
    return cpu.read().minus(before).apiServer() * 1000 / n;
  }

  private static void applySpec(KubernetesClient client, String name, ObjectNode spec) {
    ObjectNode state = JSON.createObjectNode();
    state.put("apiVersion", "tcptune.dev/v1alpha1");
    state.put("kind", "TcpNodeState");
    state.putObject("metadata").put("name", name);
    state.set("spec", spec);
    client
        .resource(client.getKubernetesSerialization().convertValue(state, TcpNodeState.class))
        .fieldManager(MANAGER)
        .forceConflicts()
        .serverSideApply();
  }

  private static void patchStatus(KubernetesClient client, String name, ObjectNode status) {
    ObjectNode body = JSON.createObjectNode();
    body.set("status", status);
    patch(client, name, body.toString());
  }

  /** As the agent's {@code StatusPatcher} sends it: a merge patch of the status subresource. */
  private static void patch(KubernetesClient client, String name, String body) {
    TcpNodeState named = new TcpNodeState();
    named.setMetadata(new ObjectMetaBuilder().withName(name).build());
    named.setSpec(null);
    named.setStatus(null);
    client.resource(named).subresource("status").patch(PatchContext.of(PatchType.JSON_MERGE), body);
  }

  /** The operator's spec for {@code count} catalog settings of one profile. */
  private static ObjectNode spec(Map<String, String> catalog, int count, int variant) {
    ObjectNode spec = JSON.createObjectNode();
    spec.putArray("profiles").add("bench");
    spec.putObject("profileGenerations").put("bench", 1 + variant);
    ArrayNode settings = spec.putArray("settings");
    catalog.entrySet().stream()
        .limit(count)
        .forEach(
            e ->
                settings
                    .addObject()
                    .put("key", e.getKey())
                    .put("value", value(e.getValue(), variant))
                    .put("profile", "bench")
                    .put("mode", "Enforce"));
    spec.putArray("routes");
    return spec;
  }

  /** The status an agent writes after applying that spec: every field its StatusBuilder fills. */
  private static ObjectNode status(Map<String, String> catalog, int count, int variant) {
    String now = Instant.now().toString();
    ObjectNode status = JSON.createObjectNode();
    status.put("observedGeneration", 1 + variant);
    ArrayNode conditions = status.putArray("conditions");
    condition(
        conditions, "Applied", "True", "Applied", count + " settings and 0 routes checked", now);
    condition(conditions, "Drifted", "False", "NoDrift", "", now);
    condition(conditions, "Degraded", "False", "AsExpected", "", now);
    status.put("kernelVersion", "6.18.0-sim");
    status
        .putObject("summary")
        .put("settings", count)
        .put("inSync", count)
        .put("drifted", 0)
        .put("failed", 0);
    ArrayNode settings = status.putArray("settings");
    ArrayNode originals = JSON.createArrayNode();
    catalog.entrySet().stream()
        .limit(count)
        .forEach(
            e -> {
              String value = value(e.getValue(), variant);
              settings
                  .addObject()
                  .put("key", e.getKey())
                  .put("desired", value)
                  .put("actual", value)
                  .put("original", e.getValue())
                  .put("state", "Applied")
                  .put("since", now);
              originals
                  .addObject()
                  .put("key", e.getKey())
                  .put("original", e.getValue())
                  .put("written", value);
            });
    status.putArray("routes");
    status.set("originals", originals);
    status.put("driftCorrections", 0);
    status
        .putObject("sockets")
        .put("established", 12)
        .put("timeWait", 3)
        .put("closeWait", 0)
        .put("orphans", 0)
        .put("listenOverflows", 0)
        .put("retransSegs", 42)
        .putArray("listenersBelowSomaxconn");
    status.put("lastApplyTime", now);
    status.put("lastCheckTime", now);
    return status;
  }

  private static void condition(
      ArrayNode conditions, String type, String status, String reason, String message, String at) {
    conditions
        .addObject()
        .put("lastTransitionTime", at)
        .put("message", message)
        .put("observedGeneration", 1)
        .put("reason", reason)
        .put("status", status)
        .put("type", type);
  }

  /** A second valid value: the port range's low end or the number, one up. */
  private static String value(String base, int variant) {
    if (variant == 0) {
      return base;
    }
    String[] parts = base.split(" ");
    parts[0] = Long.toString(Long.parseLong(parts[0]) + variant);
    return String.join(" ", parts);
  }
}
