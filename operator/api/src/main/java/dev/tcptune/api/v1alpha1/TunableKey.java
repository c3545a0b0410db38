package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The sysctl keys a {@link TcpNodeState} may carry: exactly the keys of the kernel catalog. The
 * schema of {@link EffectiveSetting#getKey()} is this enum, so the API server refuses any other key
 * (a TcpNodeState is a security boundary: the agent runs as root on the node). A test checks that
 * this list equals the catalog.
 */
public enum TunableKey {
  @JsonProperty("net.core.somaxconn")
  SOMAXCONN,
  @JsonProperty("net.ipv4.tcp_max_syn_backlog")
  TCP_MAX_SYN_BACKLOG,
  @JsonProperty("net.ipv4.tcp_tw_reuse")
  TCP_TW_REUSE,
  @JsonProperty("net.ipv4.ip_local_port_range")
  IP_LOCAL_PORT_RANGE,
  @JsonProperty("net.ipv4.tcp_fin_timeout")
  TCP_FIN_TIMEOUT,
  @JsonProperty("net.ipv4.tcp_keepalive_time")
  TCP_KEEPALIVE_TIME,
  @JsonProperty("net.ipv4.tcp_keepalive_intvl")
  TCP_KEEPALIVE_INTVL,
  @JsonProperty("net.ipv4.tcp_keepalive_probes")
  TCP_KEEPALIVE_PROBES,
  @JsonProperty("net.ipv4.tcp_syn_retries")
  TCP_SYN_RETRIES,
  @JsonProperty("net.ipv4.tcp_synack_retries")
  TCP_SYNACK_RETRIES,
  @JsonProperty("net.ipv4.tcp_retries1")
  TCP_RETRIES1,
  @JsonProperty("net.ipv4.tcp_retries2")
  TCP_RETRIES2,
  @JsonProperty("net.ipv4.tcp_orphan_retries")
  TCP_ORPHAN_RETRIES,
  @JsonProperty("net.ipv4.tcp_rto_min_us")
  TCP_RTO_MIN_US,
  @JsonProperty("net.ipv4.tcp_syn_linear_timeouts")
  TCP_SYN_LINEAR_TIMEOUTS
}
