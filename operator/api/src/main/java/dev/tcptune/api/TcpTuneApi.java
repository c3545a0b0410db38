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

  private TcpTuneApi() {}
}
