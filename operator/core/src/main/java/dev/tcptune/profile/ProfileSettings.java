package dev.tcptune.profile;

import static dev.tcptune.kernel.catalog.TunableCatalog.IP_LOCAL_PORT_RANGE;
import static dev.tcptune.kernel.catalog.TunableCatalog.SOMAXCONN;
import static dev.tcptune.kernel.catalog.TunableCatalog.TCP_FIN_TIMEOUT;
import static dev.tcptune.kernel.catalog.TunableCatalog.TCP_KEEPALIVE_INTVL;
import static dev.tcptune.kernel.catalog.TunableCatalog.TCP_KEEPALIVE_PROBES;
import static dev.tcptune.kernel.catalog.TunableCatalog.TCP_KEEPALIVE_TIME;
import static dev.tcptune.kernel.catalog.TunableCatalog.TCP_MAX_SYN_BACKLOG;
import static dev.tcptune.kernel.catalog.TunableCatalog.TCP_ORPHAN_RETRIES;
import static dev.tcptune.kernel.catalog.TunableCatalog.TCP_RETRIES1;
import static dev.tcptune.kernel.catalog.TunableCatalog.TCP_RETRIES2;
import static dev.tcptune.kernel.catalog.TunableCatalog.TCP_RTO_MIN_US;
import static dev.tcptune.kernel.catalog.TunableCatalog.TCP_SYNACK_RETRIES;
import static dev.tcptune.kernel.catalog.TunableCatalog.TCP_SYN_LINEAR_TIMEOUTS;
import static dev.tcptune.kernel.catalog.TunableCatalog.TCP_SYN_RETRIES;
import static dev.tcptune.kernel.catalog.TunableCatalog.TCP_TW_REUSE;

import dev.tcptune.api.v1alpha1.KeepaliveSettings;
import dev.tcptune.api.v1alpha1.ListenQueueSettings;
import dev.tcptune.api.v1alpha1.PortRange;
import dev.tcptune.api.v1alpha1.RetrySettings;
import dev.tcptune.api.v1alpha1.RtoSettings;
import dev.tcptune.api.v1alpha1.TcpProfileSpec;
import dev.tcptune.api.v1alpha1.TimeWaitSettings;
import dev.tcptune.kernel.catalog.Tunable;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one mapping between the typed fields of a {@link TcpProfileSpec} and the sysctls they set.
 * Validation, the desired state of a node and the CRD consistency test all read this list, so a new
 * field is added here once.
 */
public final class ProfileSettings {

  private static final List<SettingField> FIELDS =
      List.of(
          field(
              "spec.listenQueue.somaxconn",
              SOMAXCONN,
              s -> s.getListenQueue(),
              ListenQueueSettings::getSomaxconn),
          field(
              "spec.listenQueue.maxSynBacklog",
              TCP_MAX_SYN_BACKLOG,
              s -> s.getListenQueue(),
              ListenQueueSettings::getMaxSynBacklog),
          field(
              "spec.timeWait.twReuse",
              TCP_TW_REUSE,
              s -> s.getTimeWait(),
              TimeWaitSettings::getTwReuse),
          field(
              "spec.timeWait.finTimeoutSeconds",
              TCP_FIN_TIMEOUT,
              s -> s.getTimeWait(),
              TimeWaitSettings::getFinTimeoutSeconds),
          new SettingField(
              "spec.timeWait.localPortRange",
              IP_LOCAL_PORT_RANGE,
              s ->
                  Optional.ofNullable(s.getTimeWait())
                      .map(TimeWaitSettings::getLocalPortRange)
                      .map(ProfileSettings::portRange)),
          field(
              "spec.keepalive.timeSeconds",
              TCP_KEEPALIVE_TIME,
              s -> s.getKeepalive(),
              KeepaliveSettings::getTimeSeconds),
          field(
              "spec.keepalive.intervalSeconds",
              TCP_KEEPALIVE_INTVL,
              s -> s.getKeepalive(),
              KeepaliveSettings::getIntervalSeconds),
          field(
              "spec.keepalive.probes",
              TCP_KEEPALIVE_PROBES,
              s -> s.getKeepalive(),
              KeepaliveSettings::getProbes),
          field("spec.retries.syn", TCP_SYN_RETRIES, s -> s.getRetries(), RetrySettings::getSyn),
          field(
              "spec.retries.synLinearTimeouts",
              TCP_SYN_LINEAR_TIMEOUTS,
              s -> s.getRetries(),
              RetrySettings::getSynLinearTimeouts),
          field(
              "spec.retries.synAck",
              TCP_SYNACK_RETRIES,
              s -> s.getRetries(),
              RetrySettings::getSynAck),
          field(
              "spec.retries.retries1",
              TCP_RETRIES1,
              s -> s.getRetries(),
              RetrySettings::getRetries1),
          field(
              "spec.retries.retries2",
              TCP_RETRIES2,
              s -> s.getRetries(),
              RetrySettings::getRetries2),
          field(
              "spec.retries.orphan",
              TCP_ORPHAN_RETRIES,
              s -> s.getRetries(),
              RetrySettings::getOrphan),
          field(
              "spec.rto.minMicroseconds",
              TCP_RTO_MIN_US,
              s -> s.getRto(),
              RtoSettings::getMinMicroseconds));

  private ProfileSettings() {}

  /** Every sysctl field of a profile, in the order users read them. */
  public static List<SettingField> fields() {
    return FIELDS;
  }

  private static <G> SettingField field(
      String path,
      Tunable tunable,
      Function<TcpProfileSpec, G> group,
      Function<G, Integer> getter) {
    return new SettingField(
        path,
        tunable,
        spec -> Optional.ofNullable(group.apply(spec)).map(getter).map(String::valueOf));
  }

  private static String portRange(PortRange range) {
    return range.getLow() + " " + range.getHigh();
  }
}
