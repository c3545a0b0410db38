package dev.tcptune.profile;

import java.util.Arrays;
import java.util.Optional;

/**
 * IP addresses and CIDRs read as the API server's CEL {@code ip()} and {@code cidr()} read them (Go
 * {@code netip}): dotted decimal without leading zeros, IPv6 groups of 1..4 hex digits, a decimal
 * prefix length without leading zeros, no zone, no IPv4-mapped IPv6. Unlike {@code InetAddress}, it
 * never takes {@code 010.0.0.1} for 10.0.0.1 or {@code ::ffff:10.0.0.1} for an IPv4 address.
 */
final class IpLiterals {

  private IpLiterals() {}

  /**
   * A parsed destination: the address bytes (4 or 16) and the prefix length.
   *
   * @param cidr whether it was written with a prefix length
   */
  record Prefix(byte[] address, int length, boolean cidr) {

    /** True when bits beyond the prefix length are set (10.0.0.1/8). */
    boolean hasHostBits() {
      for (int bit = length; bit < address.length * 8; bit++) {
        if ((address[bit / 8] & (0x80 >>> (bit % 8))) != 0) {
          return true;
        }
      }
      return false;
    }

    /** Same network, however written: FD00::/8 and fd00::/8, 10.0.0.1 and 10.0.0.1/32. */
    boolean sameAs(Prefix other) {
      return length == other.length && Arrays.equals(address, other.address);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Prefix p && sameAs(p) && cidr == p.cidr;
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(address) * 31 + length;
    }
  }

  /** An address ({@code 10.0.0.1}, a /32 or /128) or a CIDR, empty when it is neither. */
  static Optional<Prefix> parse(String text) {
    int slash = text.indexOf('/');
    String address = slash < 0 ? text : text.substring(0, slash);
    byte[] bytes = address.contains(":") ? ipv6(address) : ipv4(address);
    if (bytes == null || isIpv4Mapped(bytes)) {
      return Optional.empty();
    }
    int max = bytes.length * 8;
    if (slash < 0) {
      return Optional.of(new Prefix(bytes, max, false));
    }
    String bits = text.substring(slash + 1);
    if (!bits.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(bits) > max) {
      return Optional.empty();
    }
    return Optional.of(new Prefix(bytes, Integer.parseInt(bits), true));
  }

  private static boolean isIpv4Mapped(byte[] bytes) {
    if (bytes.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }

  private static byte[] ipv4(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] out = new byte[4];
    for (int i = 0; i < 4; i++) {
      if (!parts[i].matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(parts[i]) > 255) {
        return null;
      }
      out[i] = (byte) Integer.parseInt(parts[i]);
    }
    return out;
  }

  private static byte[] ipv6(String text) {
    int ellipsis = text.indexOf("::");
    if (ellipsis >= 0 && text.indexOf("::", ellipsis + 1) >= 0) {
      return null;
    }
    String head = ellipsis < 0 ? text : text.substring(0, ellipsis);
    String tail = ellipsis < 0 ? "" : text.substring(ellipsis + 2);
    int[] headGroups = groups(head, ellipsis < 0);
    int[] tailGroups = groups(tail, true);
    if (headGroups == null || tailGroups == null) {
      return null;
    }
    int count = headGroups.length + tailGroups.length;
    if (ellipsis < 0 ? count != 8 : count > 7) {
      return null;
    }
    byte[] out = new byte[16];
    for (int i = 0; i < headGroups.length; i++) {
      out[2 * i] = (byte) (headGroups[i] >>> 8);
      out[2 * i + 1] = (byte) headGroups[i];
    }
    for (int i = 0; i < tailGroups.length; i++) {
      int at = 8 - tailGroups.length + i;
      out[2 * at] = (byte) (tailGroups[i] >>> 8);
      out[2 * at + 1] = (byte) tailGroups[i];
    }
    return out;
  }

  /**
   * The 16-bit groups of one side of an IPv6 address; an IPv4 address may end the last side and
   * counts as two groups.
   */
  private static int[] groups(String side, boolean last) {
    if (side.isEmpty()) {
      return new int[0];
    }
    String[] parts = side.split(":", -1);
    int[] out = new int[parts.length + 1];
    int n = 0;
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (last && i == parts.length - 1 && part.contains(".")) {
        byte[] v4 = ipv4(part);
        if (v4 == null) {
          return null;
        }
        out[n++] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
        out[n++] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
      } else if (part.matches("[0-9A-Fa-f]{1,4}")) {
        out[n++] = Integer.parseInt(part, 16);
      } else {
        return null;
      }
    }
    return Arrays.copyOf(out, n);
  }
}
