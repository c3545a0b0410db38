package dev.tcptune.agent;

import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpNodeStateStatus;
import dev.tcptune.kernel.apply.ApplyReport;
import dev.tcptune.kernel.apply.RouteResult;
import dev.tcptune.kernel.apply.SettingResult;
import dev.tcptune.kernel.apply.SettingStatus;
import dev.tcptune.kernel.apply.TuningPlanner;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.kernel.exec.Capabilities;
import dev.tcptune.kernel.exec.NamespaceGuard;
import dev.tcptune.kernel.exec.NetworkNamespace;
import dev.tcptune.kernel.exec.ProcessCommandRunner;
import dev.tcptune.kernel.route.RouteTable;
import dev.tcptune.kernel.sysctl.ProcSysctlStore;
import dev.tcptune.kernel.sysctl.SysctlStore;
import dev.tcptune.status.ConditionFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The node agent: watches its node's TcpNodeState, and on every spec change and every check
 * interval applies it through the kernel layer and reports the status. All work runs on one thread,
 * so a spec change never races a check, a restore or a status write.
 */
public final class Agent implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  private final AgentConfig config;
  private final KubernetesClient client;
  private final Clock clock;
  private final AgentMetrics metrics;
  private final NodeTuner tuner;
  private final SysctlStore sysctls;
  private final StatusPatcher patcher;
  private final StatusWriter writer;
  private final StatusBuilder builder;
  private final SocketSampler sampler;
  private final String kernelRelease;
  private final ScheduledExecutorService loop =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "tcptune-agent"));
  private final ProbeServer probes;
  private final RouteTable routes;
  private SharedIndexInformer<TcpNodeState> informer;

  // Touched only on the loop thread.
  private StatusOriginalsJournal journal;
  private TcpNodeStateStatus previous;
  private long driftCorrections;

  private volatile Instant lastTick;
  private volatile boolean ready;

  private Agent(AgentConfig config, KubernetesClient client, NodeKernel kernel, Clock clock)
      throws IOException {
    this.config = config;
    this.client = client;
    this.clock = clock;
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.metrics = new AgentMetrics(registry);
    this.sysctls = kernel.sysctls();
    this.routes = kernel.routes();
    this.tuner =
        new NodeTuner(
            sysctls, routes, kernel.version(), new TuningPlanner(TunableCatalog.standard()));
    this.patcher = new StatusPatcher(client, config.nodeName(), metrics);
    this.writer =
        new StatusWriter(
            patcher, clock, config.heartbeat(), () -> ThreadLocalRandom.current().nextDouble());
    this.builder = new StatusBuilder(new ConditionFactory(clock));
    this.sampler =
        new SocketSampler(
            kernel.sockets(),
            kernel.listenersBelow()::apply,
            config.statsInterval(),
            clock,
            metrics);
    this.kernelRelease = kernel.release();
    this.lastTick = clock.instant();
    this.probes =
        config.metricsPort() == 0
            ? null
            : new ProbeServer(config.metricsPort(), registry, this::healthy, () -> ready);
  }

  /**
   * Refuses to run without what tuning needs, before anything is written: {@code CAP_NET_ADMIN}
   * (effective), the network namespace the agent must tune, and a writable sysctl root.
   *
   * @throws IllegalStateException naming what is missing and what to change
   */
  public static void preflight(AgentConfig config) {
    Capabilities caps;
    try {
      caps = Capabilities.ofThisProcess();
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "refusing to start: cannot read this process's capabilities: " + e.getMessage(), e);
    }
    caps.missingForTuning()
        .ifPresent(
            problem -> {
              throw new IllegalStateException("refusing to start: " + problem);
            });
    NetworkNamespace target =
        config.netns().map(NetworkNamespace::named).orElse(NetworkNamespace.current());
    NamespaceGuard.system()
        .check(target)
        .ifPresent(
            problem -> {
              throw new IllegalStateException("refusing to start: " + problem);
            });
    ProcSysctlStore.checkWritableRoot(config.procSys())
        .ifPresent(
            problem -> {
              throw new IllegalStateException("refusing to start: --proc-sys: " + problem);
            });
  }

  /**
   * Starts an agent: checks privileges and the network namespace ({@link #preflight}), starts the
   * probes, the watch and the loop.
   *
   * @throws IllegalStateException when the agent lacks a privilege or is in the wrong namespace
   */
  public static Agent start(AgentConfig config, KubernetesClient client) throws IOException {
    preflight(config);
    Clock clock = Clock.systemUTC();
    // The agent runs in the namespace it tunes (checked above): /proc/sys (or the writable mount
    // of it) is written directly.
    NodeKernel kernel = NodeKernel.running(config, new ProcessCommandRunner(), clock);
    Agent agent = new Agent(config, client, kernel, clock);
    agent.startWatching();
    return agent;
  }

  /**
   * Starts an agent on the given kernel without the privilege checks of {@link #start}: for many
   * simulated nodes in one JVM, each on in-memory sysctls and routes (the scale benchmark).
   */
  public static Agent startOn(NodeKernel kernel, AgentConfig config, KubernetesClient client)
      throws IOException {
    Agent agent = new Agent(config, client, kernel, Clock.systemUTC());
    agent.startWatching();
    return agent;
  }

  private void startWatching() {
    informer =
        client
            .resources(TcpNodeState.class)
            .withName(config.nodeName())
            .runnableInformer(0)
            // Keep retrying through API server outages: the node keeps its values meanwhile.
            .exceptionHandler(
                (started, t) -> {
                  LOG.atWarn().addKeyValue("error", t.toString()).log("watch failed, retrying");
                  return true;
                });
    informer.addEventHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(TcpNodeState obj) {
            enqueueCheck();
          }

          @Override
          public void onUpdate(TcpNodeState old, TcpNodeState now) {
            // Our own status writes come back as updates too; only the spec matters here.
            if (!Objects.equals(
                old.getMetadata().getGeneration(), now.getMetadata().getGeneration())) {
              enqueueCheck();
            }
          }

          @Override
          public void onDelete(TcpNodeState obj, boolean finalStateUnknown) {
            enqueueCheck();
          }
        });
    // Events of the initial list can arrive before hasSynced() is true, and such a check returns
    // at once: check again as soon as the informer has synced.
    informer.start().thenRun(this::enqueueCheck);
    long interval = config.checkInterval().toMillis();
    loop.scheduleWithFixedDelay(this::tick, interval, interval, TimeUnit.MILLISECONDS);
  }

  private void enqueueCheck() {
    try {
      loop.execute(this::check);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // Shutting down: the event is dropped, the node keeps its values.
    }
  }

  private void tick() {
    lastTick = clock.instant();
    check();
  }

  /** One check; never throws, so that the schedule goes on. */
  private void check() {
    if (informer == null || !informer.hasSynced()) {
      return;
    }
    MDC.put("node", config.nodeName());
    try {
      TcpNodeState obj = informer.getStore().getByKey(config.nodeName());
      if (journal == null) {
        TcpNodeStateStatus found = obj == null ? null : obj.getStatus();
        journal =
            StatusOriginalsJournal.load(
                patcher, config.journalFile(), found == null ? null : found.getOriginals());
        previous = found;
        driftCorrections =
            found == null || found.getDriftCorrections() == null ? 0 : found.getDriftCorrections();
        writer.baseline(found);
        LOG.atInfo()
            .addKeyValue("originals", journal.settings().size() + journal.routes().size())
            .log("journal of originals loaded");
      }
      NodeTuner.Outcome outcome =
          tuner.check(SpecMapper.map(obj == null ? null : obj.getSpec()), journal);
      count(outcome.applied());
      count(outcome.restored());
      outcome.corrections().forEach(metrics::driftCorrected);
      driftCorrections += outcome.corrections().size();
      if (obj != null) {
        TcpNodeStateStatus status =
            builder.build(
                new StatusBuilder.Input(
                    generation(obj),
                    kernelRelease,
                    outcome,
                    journal.values(),
                    sampler.statistics(somaxconn()),
                    driftCorrections),
                previous);
        previous = status;
        metrics.settingsByState(byState(status));
        try {
          if (writer.write(status)) {
            LOG.atDebug().log("status written");
          }
        } catch (KubernetesClientException e) {
          LOG.atWarn()
              .addKeyValue("error", e.getMessage())
              .log("status not written, will retry at the next check");
        }
      }
      metrics.checked(clock.instant());
      ready = true;
    } catch (RuntimeException e) {
      metrics.error("check");
      LOG.atError().setCause(e).log("check failed");
    } finally {
      MDC.remove("node");
    }
  }

  private void count(ApplyReport report) {
    Stream.concat(
            report.settings().stream().map(s -> Map.entry(s.key(), s.status())),
            report.routes().stream().map(r -> Map.entry(r.routeId().orElse(r.rule()), r.status())))
        .forEach(
            e -> {
              switch (e.getValue()) {
                case APPLIED, CORRECTED -> metrics.applied();
                case FAILED, INVALID -> metrics.error(e.getKey());
                default -> {}
              }
            });
    logChanges(report);
  }

  private static void logChanges(ApplyReport report) {
    for (SettingResult s : report.settings()) {
      if (s.status() != SettingStatus.IN_SYNC) {
        LOG.atInfo()
            .addKeyValue("key", s.key())
            .addKeyValue("status", s.status())
            .addKeyValue("desired", s.desired())
            .addKeyValue("actual", s.actual().orElse(""))
            .addKeyValue("message", s.message())
            .log("setting");
      }
    }
    for (RouteResult r : report.routes()) {
      if (r.status() != SettingStatus.IN_SYNC) {
        LOG.atInfo()
            .addKeyValue("route", r.routeId().orElse(""))
            .addKeyValue("rule", r.rule())
            .addKeyValue("status", r.status())
            .addKeyValue("message", r.message())
            .log("route");
      }
    }
  }

  private Integer somaxconn() {
    try {
      return sysctls.read(TunableCatalog.SOMAXCONN.key()).map(Integer::valueOf).orElse(null);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static Map<String, Long> byState(TcpNodeStateStatus status) {
    Map<String, Long> counts = new TreeMap<>();
    status.getSettings().forEach(s -> counts.merge(String.valueOf(s.getState()), 1L, Long::sum));
    status.getRoutes().forEach(r -> counts.merge(String.valueOf(r.getState()), 1L, Long::sum));
    return counts;
  }

  private static long generation(TcpNodeState obj) {
    Long generation = obj.getMetadata().getGeneration();
    return generation == null ? 0 : generation;
  }

  private boolean healthy() {
    // The loop thread ticks every interval; three missed ticks mean it is stuck.
    return lastTick.plus(config.checkInterval().multipliedBy(3)).isAfter(clock.instant());
  }

  /** True once the watch is up and the first check is done. */
  public boolean ready() {
    return ready;
  }

  /** The port of /metrics, /healthz and /readyz, -1 when disabled. */
  public int probePort() {
    return probes == null ? -1 : probes.port();
  }

  /**
   * Stops: lets a running check finish (so no status is half written), then stops the watch, the
   * probes and the kept {@code ip} processes. Nothing is restored: a rolling update of the agent
   * must not flap the node.
   */
  @Override
  public void close() {
    loop.shutdown();
    try {
      if (!loop.awaitTermination(30, TimeUnit.SECONDS)) {
        LOG.atWarn().log("a check did not finish within 30 s; stopping anyway");
        loop.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      loop.shutdownNow();
    }
    if (informer != null) {
      informer.stop();
    }
    if (probes != null) {
      probes.close();
    }
    routes.close();
    LOG.atInfo().log("agent stopped; node values left as they are");
  }
}
