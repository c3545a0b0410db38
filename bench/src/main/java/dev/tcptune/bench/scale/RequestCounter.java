package dev.tcptune.bench.scale;

import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the requests one fabric8 client sends, by verb and resource (e.g. {@code PATCH
 * tcpnodestates/status}), as answered by the API server: a fabric8 interceptor sees each response
 * once, retries included. Writes are POST, PUT, PATCH and DELETE.
 */
final class RequestCounter implements Interceptor {

  private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");

  /** {@code .../<resource>[/<name>[/<subresource>]]} after the group/version part. */
  private static final Pattern PATH =
      Pattern.compile(
          "^/(?:api/v1|apis/[^/]+/[^/]+)(?:/namespaces/[^/]+)?/([a-z0-9.-]+)(?:/[^/]+(?:/([a-z]+))?)?$");

  private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

  @Override
  public void after(
      HttpRequest request,
      HttpResponse<?> response,
      AsyncBody.Consumer<List<ByteBuffer>> consumer) {
    counts.computeIfAbsent(key(request), k -> new LongAdder()).increment();
  }

  private static String key(HttpRequest request) {
    String verb = request.method();
    String query = request.uri().getQuery();
    if ("GET".equals(verb) && query != null && query.contains("watch=true")) {
      verb = "WATCH";
    } else if ("GET".equals(verb)) {
      verb = "GET/LIST";
    }
    Matcher m = PATH.matcher(request.uri().getPath());
    String resource =
        m.matches()
            ? m.group(1) + (m.group(2) == null ? "" : "/" + m.group(2))
            : request.uri().getPath();
    return verb + " " + resource;
  }

  /** Requests so far, by verb and resource. */
  Counts snapshot() {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((k, v) -> copy.put(k, v.sum()));
    return new Counts(copy);
  }

  /** A snapshot of the counts; differences give the requests of an interval. */
  record Counts(Map<String, Long> byKind) {

    static final Counts NONE = new Counts(Map.of());

    long writes() {
      return byKind.entrySet().stream()
          .filter(e -> WRITES.contains(e.getKey().substring(0, e.getKey().indexOf(' '))))
          .mapToLong(Map.Entry::getValue)
          .sum();
    }

    long all() {
      return byKind.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Writes other than to {@code resource} (e.g. leases, the leader election). */
    long writesExcept(String resource) {
      return minus(only(resource)).writes();
    }

    Counts only(String resource) {
      Map<String, Long> kept = new TreeMap<>();
      byKind.forEach(
          (k, v) -> {
            String res = k.substring(k.indexOf(' ') + 1);
            if (res.equals(resource) || res.startsWith(resource + "/")) {
              kept.put(k, v);
            }
          });
      return new Counts(kept);
    }

    Counts minus(Counts earlier) {
      Map<String, Long> diff = new TreeMap<>();
      byKind.forEach(
          (k, v) -> {
            long d = v - earlier.byKind.getOrDefault(k, 0L);
            if (d != 0) {
              diff.put(k, d);
            }
          });
      return new Counts(diff);
    }

    @Override
    public String toString() {
      return byKind.toString();
    }
  }
}
