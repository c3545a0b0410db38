package dev.tcptune.api;

/**
 * Names shared by every tcptune custom resource, kept in one place so the CRDs, the RBAC rules of
 * the chart and the clients cannot disagree.
 */
public final class TcpTuneApi {
  /** API group of every tcptune resource. */
  public static final String GROUP = "tcptune.dev";

  /** The only served version for now: fields may still change. */
  public static final String VERSION = "v1alpha1";

  /**
   * A network device name as every resource accepts it: the kernel's limit (IFNAMSIZ 16 with the
   * NUL) and nothing `ip` could misread: no leading '-' (an option), no '/', '.' or '..' (paths),
   * no whitespace, no ':' (an address label, never a device).
   */
  public static final String DEVICE_PATTERN = "^[a-zA-Z0-9][a-zA-Z0-9_.@-]{0,14}$";

  private TcpTuneApi() {}
}
