package dev.tcptune.kernel.stats;

import java.util.Optional;

/**
 * TCP socket states with the kernel's numeric codes and the names {@code ss} prints and filters on.
 */
public enum TcpState {
  ESTABLISHED(0x01, "ESTAB", "established"),
  SYN_SENT(0x02, "SYN-SENT", "syn-sent"),
  SYN_RECV(0x03, "SYN-RECV", "syn-recv"),
  FIN_WAIT1(0x04, "FIN-WAIT-1", "fin-wait-1"),
  FIN_WAIT2(0x05, "FIN-WAIT-2", "fin-wait-2"),
  TIME_WAIT(0x06, "TIME-WAIT", "time-wait"),
  CLOSE(0x07, "UNCONN", "closed"),
  CLOSE_WAIT(0x08, "CLOSE-WAIT", "close-wait"),
  LAST_ACK(0x09, "LAST-ACK", "last-ack"),
  LISTEN(0x0A, "LISTEN", "listening"),
  CLOSING(0x0B, "CLOSING", "closing");

  private final int code;
  private final String ssLabel;
  private final String ssFilter;

  TcpState(int code, String ssLabel, String ssFilter) {
    this.code = code;
    this.ssLabel = ssLabel;
    this.ssFilter = ssFilter;
  }

  /** The state as {@code ss} prints it in its State column ({@code CLOSE-WAIT}). */
  public String ssLabel() {
    return ssLabel;
  }

  /** The state as {@code ss ... state NAME} filters on it ({@code close-wait}). */
  public String ssFilter() {
    return ssFilter;
  }

  /** The state for an {@code ss} State column label, empty for labels not listed. */
  public static Optional<TcpState> fromSsLabel(String label) {
    for (TcpState state : values()) {
      if (state.ssLabel.equals(label)) {
        return Optional.of(state);
      }
    }
    return Optional.empty();
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
