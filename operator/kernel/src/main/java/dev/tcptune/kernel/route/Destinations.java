package dev.tcptune.kernel.route;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Canonical form of route destinations, so that {@code 127.0.0.1} and {@code 127.0.0.1/32}, or
 * {@code ::1} and {@code 0:0:0:0:0:0:0:1/128}, compare equal. Never resolves names: only literals
 * are accepted.
 */
public final class Destinations {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  private Destinations() {}

  /**
   * The canonical CIDR ({@code address/prefix}) of a destination as {@code ip} prints it or a user
   * writes it; {@code "default"} needs the family to be resolved and gives empty here.
   */
  public static Optional<String> canonical(String destination) {
    if (destination == null || destination.equals("default")) {
      return Optional.empty();
    }
    String address = destination;
    String prefix = null;
    int slash = destination.indexOf('/');
    if (slash >= 0) {
      address = destination.substring(0, slash);
      prefix = destination.substring(slash + 1);
    }
    boolean v4 = IPV4.matcher(address).matches();
    boolean v6 = !v4 && IPV6.matcher(address).matches();
    if (!v4 && !v6) {
      return Optional.empty();
    }
    int maxPrefix = v4 ? 32 : 128;
    int length;
    if (prefix == null) {
      length = maxPrefix;
    } else if (prefix.matches("\\d{1,3}") && Integer.parseInt(prefix) <= maxPrefix) {
      length = Integer.parseInt(prefix);
    } else {
      return Optional.empty();
    }
    try {
      // Literals only (checked above), so this never touches DNS.
      InetAddress parsed = InetAddress.getByName(address);
      if (v4 && parsed.getAddress().length != 4) {
        return Optional.empty();
      }
      return Optional.of(parsed.getHostAddress() + "/" + length);
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  /** The canonical CIDR of a route's destination in its family ({@code default} included). */
  public static String canonical(String destination, IpFamily family) {
    if ("default".equals(destination)) {
      return canonical(family.anyCidr()).orElseThrow();
    }
    return canonical(destination)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "route destination: '" + destination + "' is not an address or CIDR"));
  }
}
