package dev.tcptune.kernel.apply;

import dev.tcptune.kernel.catalog.KernelVersion;
import dev.tcptune.kernel.catalog.Tunable;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.kernel.route.IpFamily;
import dev.tcptune.kernel.route.Route;
import dev.tcptune.kernel.route.RouteRule;
import dev.tcptune.kernel.route.RouteTable;
import dev.tcptune.kernel.sysctl.SysctlStore;
import dev.tcptune.kernel.sysctl.SysctlValues;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Turns a {@link DesiredState} into a {@link Plan}: validates every entry against the catalog first
 * (the desired state is untrusted: only catalog keys with values inside the catalog's ranges, only
 * valid route rules), then reads (never writes) the current values to decide KEEP / WRITE /
 * UNSUPPORTED per key and per matched route. Keys outside the catalog are never even read.
 */
public final class TuningPlanner {

  private final TunableCatalog catalog;

  public TuningPlanner(TunableCatalog catalog) {
    this.catalog = Objects.requireNonNull(catalog, "catalog");
  }

  /** A planner over {@link TunableCatalog#standard()}. */
  public TuningPlanner() {
    this(TunableCatalog.standard());
  }

  /** The catalog this planner validates against. */
  public TunableCatalog catalog() {
    return catalog;
  }

  /** Plans {@code desired} against the current state of {@code store} and {@code routes}. */
  public Plan plan(
      DesiredState desired, SysctlStore store, RouteTable routes, KernelVersion kernel) {
    List<String> errors = new ArrayList<>();
    List<PlannedSetting> settings = new ArrayList<>();
    Set<String> seenKeys = new HashSet<>();
    for (DesiredSetting entry : desired.settings()) {
      PlannedSetting planned =
          seenKeys.add(entry.key())
              ? planSetting(entry, store, kernel)
              : invalid(entry, entry.key() + ": is listed twice in the desired state");
      if (planned.action() == PlanAction.INVALID) {
        errors.add(planned.message());
      }
      settings.add(planned);
    }
    List<PlannedRoute> plannedRoutes = new ArrayList<>();
    Set<IpFamily> families = EnumSet.noneOf(IpFamily.class);
    desired.routes().forEach(r -> families.addAll(r.rule().families()));
    List<Route> current = families.isEmpty() ? List.of() : routes.routes(families);
    Map<String, Integer> mostSpecific = mostSpecific(desired.routes(), current);
    Map<String, RouteRule> claimed = new HashMap<>();
    for (DesiredRoute rule : desired.routes()) {
      for (PlannedRoute planned : planRule(rule, current, claimed, mostSpecific)) {
        if (planned.action() == PlanAction.INVALID) {
          errors.add(planned.message());
        }
        plannedRoutes.add(planned);
      }
    }
    return new Plan(kernel, settings, plannedRoutes, errors);
  }

  private static PlannedSetting invalid(DesiredSetting entry, String why) {
    return new PlannedSetting(
        entry.key(), entry.mode(), entry.value(), Optional.empty(), PlanAction.INVALID, why);
  }

  private PlannedSetting planSetting(
      DesiredSetting entry, SysctlStore store, KernelVersion kernel) {
    String key = entry.key();
    String value = SysctlValues.normalize(entry.value());
    Optional<String> error = catalog.validate(key, value);
    if (error.isPresent()) {
      return invalid(entry, error.get());
    }
    Tunable tunable = catalog.find(key).orElseThrow();
    String canonical = canonical(value);
    Optional<String> refused = nodeRefusal(tunable, canonical, store);
    if (refused.isPresent()) {
      return invalid(entry, refused.get());
    }
    Optional<String> current = store.read(key);
    if (current.isEmpty()) {
      String why =
          tunable.isSupportedOn(kernel)
              ? "is missing on this kernel "
                  + kernel
                  + " although it should exist since "
                  + tunable.minKernel()
              : "needs kernel " + tunable.minKernel() + " or newer, this is " + kernel;
      return new PlannedSetting(
          key, entry.mode(), canonical, current, PlanAction.UNSUPPORTED, key + ": " + why);
    }
    PlanAction action = current.get().equals(canonical) ? PlanAction.KEEP : PlanAction.WRITE;
    return new PlannedSetting(key, entry.mode(), canonical, current, action, "");
  }

  /** The first port a process without CAP_NET_BIND_SERVICE may bind; per network namespace. */
  static final String UNPRIVILEGED_PORT_START = "net.ipv4.ip_unprivileged_port_start";

  /**
   * What this node's kernel would refuse although the catalog allows it, found before anything is
   * written so that the plan is refused whole rather than half-applied. The kernel refuses an
   * ip_local_port_range whose low end is below ip_unprivileged_port_start (1024 by default, which
   * is the catalog's lowest port; a node may raise it).
   */
  private static Optional<String> nodeRefusal(Tunable tunable, String value, SysctlStore store) {
    if (tunable != TunableCatalog.IP_LOCAL_PORT_RANGE) {
      return Optional.empty();
    }
    long low = Long.parseLong(value.split(" ")[0]);
    Optional<Long> start =
        store.read(UNPRIVILEGED_PORT_START).flatMap(TuningPlanner::parseLongOrEmpty);
    if (start.isEmpty() || low >= start.get()) {
      return Optional.empty();
    }
    return Optional.of(
        tunable.key()
            + ": low port "
            + low
            + " is below "
            + UNPRIVILEGED_PORT_START
            + " "
            + start.get()
            + " on this node, and the kernel refuses such a range (allowed here: a low port of at"
            + " least "
            + start.get()
            + ")");
  }

  private static Optional<Long> parseLongOrEmpty(String text) {
    try {
      return Optional.of(Long.parseLong(text.trim()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** {@code "+0100 200"} -> {@code "100 200"}: only plain decimal numbers reach the kernel. */
  private static String canonical(String validated) {
    List<String> numbers = new ArrayList<>();
    for (String word : validated.split(" ")) {
      numbers.add(String.valueOf(Long.parseLong(word)));
    }
    return String.join(" ", numbers);
  }

  /**
   * Per route id, the highest {@link RouteRule#specificity()} of the valid rules that match it: a
   * rule for one device takes its routes from a rule for every device, a family's default ({@code
   * 0.0.0.0/0}) from {@code default}. The spec can hold both when it merges profiles (the narrower
   * one from the profile with precedence), and one profile may say "20ms to 10.0.0.0/8, 50ms of it
   * through eth1".
   */
  private static Map<String, Integer> mostSpecific(List<DesiredRoute> rules, List<Route> current) {
    Map<String, Integer> best = new HashMap<>();
    for (DesiredRoute desired : rules) {
      RouteRule rule = desired.rule();
      if (rule.validate().isPresent()) {
        continue;
      }
      for (Route route : current) {
        if (rule.matches(route)) {
          best.merge(route.id(), rule.specificity(), Math::max);
        }
      }
    }
    return best;
  }

  private static List<PlannedRoute> planRule(
      DesiredRoute desired,
      List<Route> current,
      Map<String, RouteRule> claimed,
      Map<String, Integer> mostSpecific) {
    RouteRule rule = desired.rule();
    Mode mode = desired.mode();
    Optional<String> error = rule.validate();
    if (error.isPresent()) {
      return List.of(
          new PlannedRoute(rule, mode, Optional.empty(), PlanAction.INVALID, error.get()));
    }
    List<PlannedRoute> planned = new ArrayList<>();
    List<String> takenByNarrower = new ArrayList<>();
    for (Route route : current) {
      if (!rule.matches(route)) {
        continue;
      }
      if (mostSpecific.get(route.id()) > rule.specificity()) {
        takenByNarrower.add(route.id());
        continue;
      }
      // Two rules as specific as each other on one route: the spec contradicts itself.
      RouteRule earlier = claimed.putIfAbsent(route.id(), rule);
      if (earlier != null) {
        planned.add(
            new PlannedRoute(
                rule,
                mode,
                Optional.of(route),
                PlanAction.INVALID,
                "route rule "
                    + rule.describe()
                    + ": route "
                    + route.id()
                    + " is already matched by rule "
                    + earlier.describe()));
        continue;
      }
      Optional<String> refusal = route.refusal();
      if (refusal.isPresent()) {
        planned.add(
            new PlannedRoute(
                rule,
                mode,
                Optional.of(route),
                PlanAction.UNSUPPORTED,
                "route " + route.id() + ": not changed, " + refusal.get()));
        continue;
      }
      OptionalInt wanted = OptionalInt.of(rule.rtoMillis());
      PlanAction action = route.rtoMinMillis().equals(wanted) ? PlanAction.KEEP : PlanAction.WRITE;
      planned.add(new PlannedRoute(rule, mode, Optional.of(route), action, ""));
    }
    if (planned.isEmpty() && !takenByNarrower.isEmpty()) {
      planned.add(
          new PlannedRoute(
              rule,
              mode,
              Optional.empty(),
              PlanAction.KEEP,
              "route rule "
                  + rule.describe()
                  + ": every route it matches is set by a more specific rule: "
                  + String.join(", ", takenByNarrower)));
    } else if (planned.isEmpty()) {
      planned.add(
          new PlannedRoute(
              rule,
              mode,
              Optional.empty(),
              PlanAction.UNSUPPORTED,
              "route rule "
                  + rule.describe()
                  + ": no route matches (routes are changed, never created)"));
    }
    return planned;
  }
}
