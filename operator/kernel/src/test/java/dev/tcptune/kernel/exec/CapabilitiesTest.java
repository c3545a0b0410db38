package dev.tcptune.kernel.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The CapEff line of /proc/PID/status, as the kernel prints it. */
class CapabilitiesTest {

  private static final String STATUS =
      "Name:\tjava\nUid:\t0\t0\t0\t0\nCapInh:\t0000000000001000\nCapPrm:\t0000000000001000\n"
          + "CapEff:\t%s\nCapBnd:\t0000000000001000\nCapAmb:\t0000000000001000\n";

  @Test
  void netAdminAloneIsEnoughForTuning() {
    Capabilities caps = Capabilities.parseStatus(STATUS.formatted("0000000000001000"));
    assertThat(caps.has(Capabilities.CAP_NET_ADMIN)).isTrue();
    assertThat(caps.names()).containsExactly("CAP_NET_ADMIN");
    assertThat(caps.missingForTuning()).isEmpty();
  }

  @Test
  void withoutNetAdminTheMessageNamesItAndWhatTheProcessHas() {
    assertThat(Capabilities.parseStatus(STATUS.formatted("0000000000000000")).missingForTuning())
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .startsWith("CAP_NET_ADMIN is missing")
                    .contains("no capabilities", "NET_ADMIN"));
    // A default container: CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, SETGID, SETUID, SETPCAP,
    // NET_BIND_SERVICE, NET_RAW, SYS_CHROOT, MKNOD, AUDIT_WRITE, SETFCAP.
    assertThat(Capabilities.parseStatus(STATUS.formatted("00000000a80425fb")).missingForTuning())
        .hasValueSatisfying(
            why -> assertThat(why).contains("CAP_CHOWN, CAP_DAC_OVERRIDE", "CAP_NET_RAW"));
  }

  @Test
  void fullSetAndUnknownBits() {
    Capabilities all = Capabilities.parseStatus(STATUS.formatted("000001ffffffffff"));
    assertThat(all.names()).hasSize(41).endsWith("CAP_CHECKPOINT_RESTORE");
    assertThat(new Capabilities(1L << 45).names()).containsExactly("CAP_45");
  }

  @Test
  void malformedStatusIsRefused() {
    assertThatThrownBy(() -> Capabilities.parseStatus("Name:\tx\n"))
        .hasMessageContaining("no CapEff line");
    assertThatThrownBy(() -> Capabilities.parseStatus(STATUS.formatted("zz")))
        .hasMessageContaining("CapEff: 'zz'");
  }

  @Test
  void thisProcessHasACapEffLine() throws Exception {
    assertThat(Capabilities.ofThisProcess()).isNotNull();
  }
}
