package dev.tcptune.profile;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The forms the API server's CEL ip() and cidr() take and refuse (probed on kube-apiserver). */
class IpLiteralsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "10.0.0.1",
        "0.0.0.0/0",
        "255.255.255.255/32",
        "::",
        "::/0",
        "::1",
        "fd00::/8",
        "FD00::/8",
        "fd00:0:0:0:0:0:0:1",
        "fd00::0001/128",
        "1:2:3:4:5:6:7::",
        "::1.2.3.4",
        "1:2:3:4:5:6:1.2.3.4"
      })
  void accepts(String text) {
    assertThat(IpLiterals.parse(text)).as(text).isPresent();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "010.0.0.1",
        "10.0.0.0/08",
        "10.0.0.0/+8",
        "10.0.0.256",
        "10.0.0",
        "10.0.0.0/33",
        "::ffff:10.0.0.1",
        "::ffff:a00:1",
        "fd00:00001::1",
        "1::2::3",
        ":::",
        "1:2:3:4:5:6:7:8::",
        "1.2.3.4::",
        "fe80::1%eth0",
        "fd00::/129",
        "",
        "default"
      })
  void refuses(String text) {
    assertThat(IpLiterals.parse(text)).as(text).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "10.0.0.1/8, true",
    "10.0.0.0/8, false",
    "fd00::1/64, true",
    "fd00::/64, false",
    "10.0.0.1, false",
    "0.0.0.0/0, false"
  })
  void hostBits(String text, boolean expected) {
    assertThat(IpLiterals.parse(text).orElseThrow().hasHostBits()).as(text).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({
    "FD00::/8, fd00::/8, true",
    "fd00:0:0:0:0:0:0:1, fd00::1, true",
    "fd00::0001/128, fd00::1, true",
    "10.0.0.1, 10.0.0.1/32, true",
    "10.0.0.0/8, 10.0.0.0/16, false",
    "0.0.0.0/0, ::/0, false"
  })
  void sameDestinationHoweverWritten(String a, String b, boolean expected) {
    assertThat(IpLiterals.parse(a).orElseThrow().sameAs(IpLiterals.parse(b).orElseThrow()))
        .as("%s vs %s", a, b)
        .isEqualTo(expected);
  }
}
