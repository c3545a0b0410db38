package dev.tcptune.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcptune.api.v1alpha1.DerivedTimings;
import dev.tcptune.api.v1alpha1.KeepaliveSettings;
import dev.tcptune.api.v1alpha1.PortRange;
import dev.tcptune.api.v1alpha1.RetrySettings;
import dev.tcptune.api.v1alpha1.TcpNodeState;
import dev.tcptune.api.v1alpha1.TcpNodeStateStatus;
import dev.tcptune.api.v1alpha1.TcpProfile;
import dev.tcptune.api.v1alpha1.TcpProfileSpec;
import dev.tcptune.api.v1alpha1.TimeWaitSettings;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileTimingsTest {

  @Test
  void figuresAreForTheOldestKernelAmongTheSelectedNodes() {
    DerivedTimings t =
        ProfileTimings.of(profile(null, null), nodes("6.18.44-fc", "6.1.0", null, "6.8.0-49"))
            .orElseThrow();

    assertThat(t.getKernelVersion()).isEqualTo("6.1.0");
    // Before 6.7 every SYN retransmission doubles from 1 s: 1+2+4+8+16+32 s, then the 64 s wait
    // for the last one (tcp_syn_retries 6), plus up to a timer-wheel bucket.
    assertThat(t.getConnectTimeoutSeconds()).isBetween(127.0, 131.0);
    // From 6.7 four linear 1 s timeouts (tcp_syn_linear_timeouts 4) come first, on top of the
    // same doubling ones: the 6.18 node would give up about 4 s later.
    DerivedTimings newer = ProfileTimings.of(profile(null, null), nodes("6.18.44")).orElseThrow();
    assertThat(newer.getConnectTimeoutSeconds()).isBetween(131.0, 135.0);
  }

  @Test
  void theProfilesValuesWinOverTheKernelDefaults() {
    KeepaliveSettings keepalive = new KeepaliveSettings();
    keepalive.setTimeSeconds(60);
    keepalive.setIntervalSeconds(10);
    keepalive.setProbes(3);
    RetrySettings retries = new RetrySettings();
    retries.setSyn(2);
    DerivedTimings t = ProfileTimings.of(profile(keepalive, retries), nodes("6.1.0")).orElseThrow();

    // 60 s idle, then 3 unanswered probes 10 s apart: the peer is declared dead at 90 s, plus
    // the timer-wheel slack of each probe timer.
    assertThat(t.getDeadPeerDetectionSeconds()).isBetween(90.0, 93.0);
    // 1 + 2 s of retransmissions, then the 4 s wait for the last one.
    assertThat(t.getConnectTimeoutSeconds()).isBetween(7.0, 8.0);
    // Default ip_local_port_range 32768-60999: 28232 ports / 60 s of TIME_WAIT.
    assertThat(t.getMaxConnectionsPerSecondPerDestination()).isEqualTo(470.0);
  }

  @Test
  void aRateBelowOneASecondIsNotZero() {
    TcpProfile profile = profile(null, null);
    TimeWaitSettings timeWait = new TimeWaitSettings();
    PortRange range = new PortRange();
    range.setLow(40000);
    range.setHigh(40000);
    timeWait.setLocalPortRange(range);
    profile.getSpec().setTimeWait(timeWait);

    // One port, held 60 s in TIME_WAIT: one connection a minute.
    assertThat(
            ProfileTimings.of(profile, nodes("6.1.0"))
                .orElseThrow()
                .getMaxConnectionsPerSecondPerDestination())
        .isEqualTo(0.0167);
  }

  @Test
  void noFiguresUntilANodeReportsAKernelItCanRead() {
    assertThat(ProfileTimings.of(profile(null, null), nodes())).isEmpty();
    assertThat(ProfileTimings.of(profile(null, null), nodes(null, "", "unknown", "99999999999.1")))
        .isEmpty();
  }

  @Test
  void sameInputsGiveEqualFigures() {
    assertThat(ProfileTimings.of(profile(null, null), nodes("5.15.0", "6.8.0")))
        .isEqualTo(ProfileTimings.of(profile(null, null), nodes("6.8.0", "5.15.0")));
  }

  @Test
  void oneInstanceAnswersEachProfileAndKernelAsANewOneWould() {
    RetrySettings retries = new RetrySettings();
    retries.setSyn(2);
    ProfileTimings timings = new ProfileTimings();
    List<TcpProfile> profiles = List.of(profile(null, null), profile(null, retries));
    List<List<TcpNodeState>> fleets =
        List.of(nodes("6.18.44"), nodes("6.1.0", "6.18.44"), nodes("6.18.44"));

    for (int round = 0; round < 2; round++) {
      for (TcpProfile profile : profiles) {
        for (List<TcpNodeState> fleet : fleets) {
          assertThat(timings.timingsOf(profile, fleet))
              .isEqualTo(new ProfileTimings().timingsOf(profile, fleet));
        }
      }
    }
    assertThat(timings.timingsOf(profiles.get(1), fleets.get(0)))
        .isNotEqualTo(timings.timingsOf(profiles.get(0), fleets.get(0)));
  }

  private static TcpProfile profile(KeepaliveSettings keepalive, RetrySettings retries) {
    TcpProfileSpec spec = new TcpProfileSpec();
    spec.setKeepalive(keepalive);
    spec.setRetries(retries);
    TcpProfile profile = new TcpProfile();
    profile.setSpec(spec);
    return profile;
  }

  private static List<TcpNodeState> nodes(String... kernels) {
    return Arrays.stream(kernels)
        .map(
            kernel -> {
              TcpNodeState state = new TcpNodeState();
              TcpNodeStateStatus status = new TcpNodeStateStatus();
              status.setKernelVersion(kernel);
              state.setStatus(status);
              return state;
            })
        .toList();
  }
}
