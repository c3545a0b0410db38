package dev.tcptune.kernel.stats;

import java.util.Optional;

/**
 * TCP socket states with the hex codes of {@code /proc/net/tcp}'s {@code st} column, so that piles
 * (TIME_WAIT, CLOSE_WAIT leaks) can be counted per namespace without {@code ss}.
 */
public enum TcpState {
  ESTABLISHED(0x01),
  SYN_SENT(0x02),
  SYN_RECV(0x03),
  FIN_WAIT1(0x04),
  FIN_WAIT2(0x05),
  TIME_WAIT(0x06),
  CLOSE(0x07),
  CLOSE_WAIT(0x08),
  LAST_ACK(0x09),
  LISTEN(0x0A),
  CLOSING(0x0B);

  private final int code;

  TcpState(int code) {
    this.code = code;
  }

  /** The kernel's numeric state. */
  public int code() {
    return code;
  }

  /** The state for a kernel code, empty for codes not listed (e.g. NEW_SYN_RECV). */
  public static Optional<TcpState> fromCode(int code) {
    for (TcpState state : values()) {
      if (state.code == code) {
        return Optional.of(state);
      }
    }
    return Optional.empty();
  }
}
