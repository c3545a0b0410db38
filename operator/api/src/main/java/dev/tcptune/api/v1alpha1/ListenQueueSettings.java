package dev.tcptune.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import lombok.Data;

/** Listen queue limits (net.core.somaxconn, net.ipv4.tcp_max_syn_backlog). */
@Data
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ListenQueueSettings {

  @JsonPropertyDescription(
      "net.core.somaxconn: cap on the accept queue of every listen() call; read when a socket starts"
          + " listening, so running servers must re-listen to benefit. 128..65535.")
  @Min(128)
  @Max(65535)
  private Integer somaxconn;

  @JsonPropertyDescription(
      "net.ipv4.tcp_max_syn_backlog: cap on half-open (SYN_RECV) connections per listener. 128..262144.")
  @Min(128)
  @Max(262144)
  private Integer maxSynBacklog;
}
