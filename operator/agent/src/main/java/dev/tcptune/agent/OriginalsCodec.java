package dev.tcptune.agent;

import dev.tcptune.api.v1alpha1.OriginalValue;
import dev.tcptune.kernel.apply.RouteOriginal;
import dev.tcptune.kernel.apply.SettingOriginal;
import dev.tcptune.kernel.catalog.TunableCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Journal entries to and from their stored form ({@link OriginalValue}, in status and in the file
 * on the node). Reading is strict because a restore writes these values as root: an entry for a key
 * outside the catalog, or with a value that is not a number (or two), is dropped and logged.
 */
final class OriginalsCodec {

  private static final Logger LOG = LoggerFactory.getLogger(OriginalsCodec.class);
  private static final String UNSET = "unset";
  private static final Pattern SYSCTL_VALUE = Pattern.compile("[0-9]{1,10}( [0-9]{1,10})?");
  private static final Pattern MILLIS = Pattern.compile("[0-9]{1,7}");
  private static final Pattern ROUTE_ID = Pattern.compile("[A-Za-z0-9_.:/@-]{1,200}");

  private OriginalsCodec() {}

  /** The stored form of a journal's content: sysctls first, then routes. */
  static List<OriginalValue> encode(List<SettingOriginal> settings, List<RouteOriginal> routes) {
    List<OriginalValue> values = new ArrayList<>();
    settings.forEach(
        s ->
            values.add(
                OriginalValue.builder()
                    .key(s.key())
                    .original(s.original())
                    .written(s.lastWritten())
                    .build()));
    routes.forEach(
        r ->
            values.add(
                OriginalValue.builder()
                    .route(r.routeId())
                    .original(
                        r.originalMillis().isPresent()
                            ? String.valueOf(r.originalMillis().getAsInt())
                            : UNSET)
                    .written(String.valueOf(r.lastWrittenMillis()))
                    .build()));
    return values;
  }

  /** The sysctl entries of {@code values} that are safe to restore. */
  static List<SettingOriginal> settings(List<OriginalValue> values) {
    List<SettingOriginal> settings = new ArrayList<>();
    for (OriginalValue v : nonNull(values)) {
      if (v == null || v.getKey() == null) {
        continue;
      }
      if (TunableCatalog.standard().find(v.getKey()).isEmpty()
          || !matches(SYSCTL_VALUE, v.getOriginal())
          || !matches(SYSCTL_VALUE, v.getWritten())) {
        drop(v);
        continue;
      }
      settings.add(new SettingOriginal(v.getKey(), v.getOriginal(), v.getWritten()));
    }
    return settings;
  }

  /** The route entries of {@code values} that are safe to restore. */
  static List<RouteOriginal> routes(List<OriginalValue> values) {
    List<RouteOriginal> routes = new ArrayList<>();
    for (OriginalValue v : nonNull(values)) {
      if (v == null || v.getRoute() == null) {
        continue;
      }
      boolean unset = UNSET.equals(v.getOriginal());
      if (!matches(ROUTE_ID, v.getRoute())
          || !(unset || matches(MILLIS, v.getOriginal()))
          || !matches(MILLIS, v.getWritten())) {
        drop(v);
        continue;
      }
      routes.add(
          new RouteOriginal(
              v.getRoute(),
              unset ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(v.getOriginal())),
              Integer.parseInt(v.getWritten())));
    }
    return routes;
  }

  private static boolean matches(Pattern pattern, String value) {
    return value != null && pattern.matcher(value).matches();
  }

  private static void drop(OriginalValue v) {
    LOG.atWarn()
        .addKeyValue("entry", v)
        .log("journal entry ignored: not a catalog key or not a number, it will never be restored");
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
