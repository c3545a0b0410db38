package dev.tcptune.bench.scale;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts the API requests one client sends, by whether they write: an interceptor on the fabric8
 * client, so operator and agents are counted apart (the API server's metrics do not say who).
 * Watches count once, when they are opened.
 */
final class RequestCounter implements Interceptor {

  private final LongAdder reads = new LongAdder();
  private final LongAdder writes = new LongAdder();

  @Override
  public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
    (request.method().equals("GET") ? reads : writes).increment();
  }

  long reads() {
    return reads.sum();
  }

  long writes() {
    return writes.sum();
  }
}
