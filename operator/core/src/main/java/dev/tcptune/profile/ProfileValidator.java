package dev.tcptune.profile;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tcptune.api.v1alpha1.PortRange;
import dev.tcptune.api.v1alpha1.RetrySettings;
import dev.tcptune.api.v1alpha1.RouteRtoRule;
import dev.tcptune.api.v1alpha1.RtoSettings;
import dev.tcptune.api.v1alpha1.TcpProfileSpec;
import dev.tcptune.kernel.catalog.TunableCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks a profile with the same rules as the CRD schema and its CEL rules. The CRD may be
 * installed without them, and the CLI reads files that never went through an API server, so nothing
 * is applied on the word of admission alone.
 */
public final class ProfileValidator {

  /** The CRD's maxItems of spec.rto.routes. */
  static final int MAX_ROUTE_RULES = 32;

  /** The CRD's range of spec.priority. */
  static final int MIN_PRIORITY = 0;

  static final int MAX_PRIORITY = 1000;

  /** The CRD's maxLength of a route destination. */
  static final int MAX_DESTINATION_LENGTH = 64;

  /** The CRD's pattern of a route device: what the kernel and `ip` take as an interface name. */
  static final Pattern DEVICE = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.@-]{0,14}");

  private static final ObjectMapper GROUPS = new ObjectMapper();

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
    if (spec.getPriority() != null
        && (spec.getPriority() < MIN_PRIORITY || spec.getPriority() > MAX_PRIORITY)) {
      errors.add(
          new FieldError(
              "spec.priority",
              spec.getPriority()
                  + " is outside the allowed range "
                  + MIN_PRIORITY
                  + ".."
                  + MAX_PRIORITY));
    }
    checkNotEmpty("spec.listenQueue", spec.getListenQueue(), errors);
    checkNotEmpty("spec.timeWait", spec.getTimeWait(), errors);
    checkNotEmpty("spec.keepalive", spec.getKeepalive(), errors);
    checkNotEmpty("spec.retries", spec.getRetries(), errors);
    errors.addAll(NodeSelectorRules.check(spec.getNodeSelector()));
    RolloutRules.check(spec.getRollout()).ifPresent(errors::add);
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
      errors.add(new FieldError("spec.timeWait.twRecycle", twRecycleRefusal()));
    }
    checkRetryThresholds(spec.getRetries(), errors);
    checkRoutes(spec.getRto(), errors);
    return errors;
  }

  /**
   * The JSON names of a settings group's fields a profile may set, sorted: {@code twRecycle} is
   * there only to be refused.
   */
  static String settableFields(Class<?> group) {
    return GROUPS
        .getSerializationConfig()
        .introspect(GROUPS.constructType(group))
        .findProperties()
        .stream()
        .map(property -> property.getName())
        .filter(name -> !name.equals("twRecycle"))
        .sorted()
        .collect(Collectors.joining(", "));
  }

  /** Why spec.timeWait.twRecycle is refused, whatever its value. */
  static String twRecycleRefusal() {
    return "net.ipv4.tcp_tw_recycle is "
        + TunableCatalog.standard().refusal(TunableCatalog.TCP_TW_RECYCLE).orElse("refused");
  }

  /**
   * A group that sets nothing (`listenQueue: {}`, or only nulls, which the API server drops) would
   * let a profile through that changes nothing; the CRD has minProperties 1 on each group.
   */
  private static void checkNotEmpty(String path, Object group, List<FieldError> errors) {
    if (group == null || !GROUPS.valueToTree(group).isEmpty()) {
      return;
    }
    String names = settableFields(group.getClass());
    errors.add(new FieldError(path, "is empty (allowed: at least one of " + names + ")"));
  }

  /** The soft retransmission threshold is useless above the hard one. Same rule as the CRD. */
  private static void checkRetryThresholds(RetrySettings retries, List<FieldError> errors) {
    if (retries == null || retries.getRetries1() == null || retries.getRetries2() == null) {
      return;
    }
    if (retries.getRetries1() > retries.getRetries2()) {
      errors.add(
          new FieldError(
              "spec.retries.retries1",
              retries.getRetries1()
                  + " is above retries2 "
                  + retries.getRetries2()
                  + " (allowed: at most retries2: retries1, net.ipv4.tcp_retries1, is the soft"
                  + " threshold after which the route is re-checked, retries2 the hard one after"
                  + " which the connection is dropped, so a soft threshold above it is never"
                  + " reached)"));
    }
  }

  /**
   * Reports a missing or out-of-range end of the port range by its own field, as the CRD does; true
   * when both ends are fine, so that the catalog can check the range as a whole.
   */
  private boolean checkPortRange(TcpProfileSpec spec, List<FieldError> errors) {
    PortRange range = spec.getTimeWait() == null ? null : spec.getTimeWait().getLocalPortRange();
    if (range == null) {
      return true;
    }
    boolean low = checkPortEnd("low", range.getLow(), errors);
    boolean high = checkPortEnd("high", range.getHigh(), errors);
    if (low && high && range.getLow() > range.getHigh()) {
      // In the profile's terms: the catalog's message speaks of the sysctl's 'LOW HIGH' text.
      errors.add(
          new FieldError(
              "spec.timeWait.localPortRange",
              "low "
                  + range.getLow()
                  + " is above high "
                  + range.getHigh()
                  + " (allowed: low <= high; the kernel refuses an inverted range)"));
      return false;
    }
    return low && high;
  }

  private boolean checkPortEnd(String end, Integer port, List<FieldError> errors) {
    String path = "spec.timeWait.localPortRange." + end;
    var tunable = TunableCatalog.IP_LOCAL_PORT_RANGE;
    String allowed = tunable.min() + ".." + tunable.max();
    if (port == null) {
      errors.add(new FieldError(path, "is required (allowed: " + allowed + ")"));
      return false;
    }
    if (port < tunable.min() || port > tunable.max()) {
      String direction = port < tunable.min() ? "below" : "above";
      errors.add(
          new FieldError(
              path,
              port
                  + " is "
                  + direction
                  + " the allowed range "
                  + allowed
                  + " ("
                  + tunable.key()
                  + ")"));
      return false;
    }
    return true;
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
    List<RouteKey> seen = new ArrayList<>();
    for (int i = 0; i < rto.getRoutes().size(); i++) {
      RouteRtoRule rule = rto.getRoutes().get(i);
      String path = "spec.rto.routes[" + i + "]";
      if (rule == null) {
        errors.add(
            new FieldError(
                path, "null is not allowed (allowed: an object with destination and rtoMin)"));
        continue;
      }
      Optional<RouteKey> key = checkRoute(rule, i, path, errors);
      if (key.isEmpty()) {
        continue;
      }
      for (int j = 0; j < seen.size(); j++) {
        if (seen.get(j).sameRouteAs(key.get())) {
          errors.add(
              new FieldError(
                  path + ".destination",
                  Shown.quoted(rule.getDestination())
                      + (rule.getDevice() == null ? "" : " on device " + rule.getDevice())
                      + " repeats the destination of spec.rto.routes["
                      + seen.get(j).index()
                      + "] "
                      + Shown.quoted(seen.get(j).destination())
                      + " (allowed: each destination, with its device, once, however it is"
                      + " written: FD00::/8 is fd00::/8, 10.0.0.1 is 10.0.0.1/32, default is"
                      + " 0.0.0.0/0 and ::/0)"));
          break;
        }
      }
      seen.add(key.get());
    }
  }

  /** Checks one rule; its key for the duplicate check when it is valid. */
  private static Optional<RouteKey> checkRoute(
      RouteRtoRule rule, int index, String path, List<FieldError> errors) {
    int before = errors.size();
    String destination = rule.getDestination();
    Optional<IpLiterals.Prefix> prefix = Optional.empty();
    if (destination == null) {
      errors.add(
          new FieldError(
              path + ".destination", "is required (allowed: default, an IP address or a CIDR)"));
    } else if (!destination.equals("default")) {
      prefix =
          destination.length() > MAX_DESTINATION_LENGTH
              ? Optional.empty()
              : IpLiterals.parse(destination);
      if (prefix.isEmpty()) {
        errors.add(
            new FieldError(
                path + ".destination",
                Shown.quoted(destination)
                    + " is not allowed (allowed: default, an IP address or a CIDR such as"
                    + " 10.0.0.0/8, without leading zeros, zone or IPv4-mapped IPv6 form)"));
      } else if (prefix.get().hasHostBits()) {
        errors.add(
            new FieldError(
                path + ".destination",
                Shown.quoted(destination)
                    + " has host bits set (allowed: the network address of the prefix, e.g."
                    + " 10.0.0.0/8 rather than 10.0.0.1/8)"));
      }
    }
    String device = rule.getDevice();
    if (device != null && !DEVICE.matcher(device).matches()) {
      errors.add(
          new FieldError(
              path + ".device",
              Shown.quoted(device)
                  + " is not allowed (allowed: an interface name of 1..15 characters"
                  + " [a-zA-Z0-9_.@-] starting with a letter or digit, which ip cannot read as an"
                  + " option or a path)"));
    }
    Optional<Integer> millis = RtoDurations.parseMillis(rule.getRtoMin());
    if (rule.getRtoMin() == null) {
      errors.add(new FieldError(path + ".rtoMin", "is required (allowed: 1ms..1s, e.g. 50ms)"));
    } else if (rule.getRtoMin().length() > RtoDurations.MAX_LENGTH) {
      errors.add(
          new FieldError(
              path + ".rtoMin",
              Shown.quoted(rule.getRtoMin())
                  + " is longer than "
                  + RtoDurations.MAX_LENGTH
                  + " characters (allowed: an integer with ms or s, 1ms..1s, e.g. 50ms)"));
    } else if (millis.isEmpty()) {
      errors.add(
          new FieldError(
              path + ".rtoMin",
              Shown.quoted(rule.getRtoMin())
                  + " is not a duration (allowed: an integer with ms or s, 1ms..1s, e.g. 50ms)"));
    } else if (millis.get() < TunableCatalog.ROUTE_RTO_MIN_MS_MIN
        || millis.get() > TunableCatalog.ROUTE_RTO_MIN_MS_MAX) {
      // The value as written: 99999999999999s reads as Integer.MAX_VALUE ms, a figure the user
      // never wrote.
      errors.add(
          new FieldError(
              path + ".rtoMin",
              Shown.quoted(rule.getRtoMin())
                  + " is "
                  + (millis.get() < TunableCatalog.ROUTE_RTO_MIN_MS_MIN ? "below" : "above")
                  + " the allowed range "
                  + TunableCatalog.ROUTE_RTO_MIN_MS_MIN
                  + "ms.."
                  + TunableCatalog.ROUTE_RTO_MIN_MS_MAX / 1000
                  + "s (route rto_min)"));
    }
    if (errors.size() > before) {
      return Optional.empty();
    }
    return Optional.of(new RouteKey(index, destination, prefix, Optional.ofNullable(device)));
  }

  /** What makes two rules set the same routes: the destination, however written, and device. */
  private record RouteKey(
      int index, String destination, Optional<IpLiterals.Prefix> prefix, Optional<String> device) {

    boolean sameRouteAs(RouteKey other) {
      if (!device.equals(other.device)) {
        return false;
      }
      if (prefix.isEmpty() || other.prefix.isEmpty()) {
        // `default` is the /0 of both families.
        return prefix.map(IpLiterals.Prefix::length).orElse(0) == 0
            && other.prefix.map(IpLiterals.Prefix::length).orElse(0) == 0;
      }
      return prefix.get().sameAs(other.prefix.get());
    }
  }

  /** Catalog messages start with the sysctl key; here the field path is shown first instead. */
  private static String withoutKeyPrefix(String message) {
    int colon = message.indexOf(": ");
    return colon < 0 ? message : message.substring(colon + 2);
  }
}
