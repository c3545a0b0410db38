package dev.tcptune.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbeServerTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void servesMetricsAndProbes() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AgentMetrics metrics = new AgentMetrics(registry);
    metrics.applied();
    metrics.driftCorrected("net.core.somaxconn");
    metrics.error("net.ipv4.tcp_rto_min_us");
    metrics.settingsByState(Map.of("InSync", 3L, "Drifted", 1L));
    metrics.socketValue("tcptune_node_sockets_time_wait", 42);
    metrics.checked(Instant.ofEpochSecond(1_700_000_000));

    try (ProbeServer server = new ProbeServer(0, registry, () -> true, () -> false)) {
      HttpResponse<String> scrape = get(server, "/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body())
          .contains("tcptune_agent_applies_total 1.0")
          .contains("tcptune_agent_drift_corrections_total{key=\"net.core.somaxconn\"} 1.0")
          .contains("tcptune_agent_errors_total{key=\"net.ipv4.tcp_rto_min_us\"} 1.0")
          .contains("tcptune_agent_settings{state=\"Drifted\"} 1.0")
          .contains("tcptune_node_sockets_time_wait 42.0")
          .contains("tcptune_agent_last_check_timestamp_seconds 1.7E9");
      assertThat(get(server, "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(server, "/readyz").statusCode()).isEqualTo(503);
    }
  }

  private HttpResponse<String> get(ProbeServer server, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
