package dev.tcptune.kernel.route;

/** The address family of a route; decides {@code ip -4}/{@code ip -6} and what "default" means. */
public enum IpFamily {
  INET("-4", "0.0.0.0/0"),
  INET6("-6", "::/0");

  private final String ipFlag;
  private final String anyCidr;

  IpFamily(String ipFlag, String anyCidr) {
    this.ipFlag = ipFlag;
    this.anyCidr = anyCidr;
  }

  /** The {@code ip} option that selects this family. */
  public String ipFlag() {
    return ipFlag;
  }

  /** The CIDR that a {@code default} destination stands for. */
  public String anyCidr() {
    return anyCidr;
  }
}
