package dev.tcptune.profile;

import dev.tcptune.api.v1alpha1.PortRange;
import dev.tcptune.api.v1alpha1.RouteRtoRule;
import dev.tcptune.api.v1alpha1.RtoSettings;
import dev.tcptune.api.v1alpha1.TcpProfileSpec;
import dev.tcptune.kernel.catalog.TunableCatalog;
import dev.tcptune.kernel.route.RouteRule;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks a profile with the same rules as the CRD schema and its CEL rules. The CRD may be
 * installed without them, and the CLI reads files that never went through an API server, so nothing
 * is applied on the word of admission alone.
 */
public final class ProfileValidator {

  /** The CRD's maxItems of spec.rto.routes. */
  static final int MAX_ROUTE_RULES = 32;

  private final TunableCatalog catalog;

  public ProfileValidator(TunableCatalog catalog) {
    this.catalog = catalog;
  }

  /** Every error of the spec; empty when it may be applied. */
  public List<FieldError> validate(TcpProfileSpec spec) {
    List<FieldError> errors = new ArrayList<>();
    if (spec == null) {
      errors.add(new FieldError("spec", "is required"));
      return errors;
    }
    if (spec.getListenQueue() == null
        && spec.getTimeWait() == null
        && spec.getKeepalive() == null
        && spec.getRetries() == null
        && spec.getRto() == null) {
      errors.add(
          new FieldError(
              "spec",
              "a profile must set at least one of listenQueue, timeWait, keepalive, retries, rto"));
    }
    if (spec.getPriority() != null && (spec.getPriority() < 0 || spec.getPriority() > 1000)) {
      errors.add(
          new FieldError(
              "spec.priority", spec.getPriority() + " is outside the allowed range 0..1000"));
    }
    boolean portRangeComplete = checkPortRange(spec, errors);
    for (SettingField field : ProfileSettings.fields()) {
      if (field.tunable() == TunableCatalog.IP_LOCAL_PORT_RANGE && !portRangeComplete) {
        continue;
      }
      field
          .valueIn(spec)
          .flatMap(value -> catalog.validate(field.tunable().key(), value))
          .ifPresent(
              message ->
                  errors.add(
                      new FieldError(
                          field.path(),
                          withoutKeyPrefix(message) + " (" + field.tunable().key() + ")")));
    }
    if (spec.getTimeWait() != null && spec.getTimeWait().getTwRecycle() != null) {
      errors.add(
          new FieldError(
              "spec.timeWait.twRecycle",
              "net.ipv4.tcp_tw_recycle is "
                  + catalog.refusal(TunableCatalog.TCP_TW_RECYCLE).orElse("refused")));
    }
    checkRoutes(spec.getRto(), errors);
    return errors;
  }

  /** Reports missing ends of the port range; true when both ends are there to be range-checked. */
  private static boolean checkPortRange(TcpProfileSpec spec, List<FieldError> errors) {
    PortRange range = spec.getTimeWait() == null ? null : spec.getTimeWait().getLocalPortRange();
    if (range == null) {
      return true;
    }
    String path = "spec.timeWait.localPortRange";
    if (range.getLow() == null) {
      errors.add(new FieldError(path + ".low", "is required (allowed: 1024..65535)"));
    }
    if (range.getHigh() == null) {
      errors.add(new FieldError(path + ".high", "is required (allowed: 1024..65535)"));
    }
    return range.getLow() != null && range.getHigh() != null;
  }

  private static void checkRoutes(RtoSettings rto, List<FieldError> errors) {
    if (rto == null) {
      return;
    }
    if (rto.getMinMicroseconds() == null
        && (rto.getRoutes() == null || rto.getRoutes().isEmpty())) {
      errors.add(new FieldError("spec.rto", "set minMicroseconds or at least one entry in routes"));
    }
    if (rto.getRoutes() == null) {
      return;
    }
    if (rto.getRoutes().size() > MAX_ROUTE_RULES) {
      errors.add(
          new FieldError(
              "spec.rto.routes",
              rto.getRoutes().size()
                  + " rules is too many (allowed: at most "
                  + MAX_ROUTE_RULES
                  + ")"));
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < rto.getRoutes().size(); i++) {
      RouteRtoRule rule = rto.getRoutes().get(i);
      String path = "spec.rto.routes[" + i + "]";
      if (rule.getDestination() == null) {
        errors.add(
            new FieldError(
                path + ".destination", "is required (allowed: default, an IP address or a CIDR)"));
        continue;
      }
      Optional<Integer> millis = RtoDurations.parseMillis(rule.getRtoMin());
      if (millis.isEmpty()) {
        errors.add(
            new FieldError(
                path + ".rtoMin",
                "'"
                    + rule.getRtoMin()
                    + "' is not a duration (allowed: an integer with ms or s, 1ms..1s, e.g. 50ms)"));
        continue;
      }
      new RouteRule(rule.getDestination(), Optional.ofNullable(rule.getDevice()), millis.get())
          .validate()
          .ifPresent(message -> errors.add(new FieldError(path, message)));
      if (!seen.add(rule.getDestination() + " dev " + rule.getDevice())) {
        errors.add(
            new FieldError(
                path + ".destination",
                rule.getDestination()
                    + " appears twice (allowed: each destination, with its device, once)"));
      }
    }
  }

  /** Catalog messages start with the sysctl key; here the field path is shown first instead. */
  private static String withoutKeyPrefix(String message) {
    int colon = message.indexOf(": ");
    return colon < 0 ? message : message.substring(colon + 2);
  }
}
