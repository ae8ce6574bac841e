package io.sidecarset.webhook.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The webhook's Prometheus metrics. Names, as scraped:
 *
 * <ul>
 *   <li>{@code sidecarset_webhook_requests_seconds{endpoint,code}}: every HTTP request, latency
 *       histogram (count, sum, buckets);
 *   <li>{@code sidecarset_webhook_denials_total{endpoint,reason}}: admission requests denied;
 *   <li>{@code sidecarset_webhook_injections_total{sidecarset,dry_run}}: SidecarSets injected into
 *       pods; dry-run admissions are counted apart ({@code dry_run="true"}), since no pod was made;
 *   <li>{@code sidecarset_webhook_namespace_cache_misses_total}: pods whose namespace was not in
 *       the cache yet (matched as having only the name label);
 *   <li>{@code sidecarset_webhook_certificate_expiry_timestamp_seconds}: when the served
 *       certificate expires;
 *   <li>JVM memory, GC, threads and CPU.
 * </ul>
 *
 * Tag values come from bounded sets (known endpoints, status codes, SidecarSet names).
 */
public final class WebhookMetrics implements AutoCloseable {

  private static final Duration[] LATENCY_BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(20),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(1000)
  };

  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Timer> requestTimers = new ConcurrentHashMap<>();
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();
  private final Counter namespaceCacheMisses;
  private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

  public WebhookMetrics() {
    this(true);
  }

  /**
   * @param jvm whether to include the JVM and process meters (a scratch registry, e.g. for the
   *     warm-up, does not need them)
   */
  public WebhookMetrics(boolean jvm) {
    if (jvm) {
      new JvmMemoryMetrics().bindTo(registry);
      gcMetrics.bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
    }
    namespaceCacheMisses =
        Counter.builder("sidecarset.webhook.namespace.cache.misses")
            .description("pods whose namespace was not in the cache yet")
            .register(registry);
  }

  /** Records one HTTP request's latency. */
  public void request(String endpoint, int statusCode, long nanos) {
    String key = endpoint + ' ' + statusCode;
    requestTimers
        .computeIfAbsent(
            key,
            k ->
                Timer.builder("sidecarset.webhook.requests")
                    .description("HTTP requests by endpoint and status code")
                    .tag("endpoint", endpoint)
                    .tag("code", Integer.toString(statusCode))
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
  }

  /** Counts one denied admission request. */
  public void denial(String endpoint, String reason) {
    counter(
            "denial " + endpoint + ' ' + reason,
            () ->
                Counter.builder("sidecarset.webhook.denials")
                    .description("admission requests denied")
                    .tag("endpoint", endpoint)
                    .tag("reason", reason)
                    .register(registry))
        .increment();
  }

  /** Counts one SidecarSet injected into one pod. */
  public void injection(String sidecarSet, boolean dryRun) {
    counter(
            "injection " + sidecarSet + ' ' + dryRun,
            () ->
                Counter.builder("sidecarset.webhook.injections")
                    .description("SidecarSets injected into pods")
                    .tag("sidecarset", sidecarSet)
                    .tag("dry_run", Boolean.toString(dryRun))
                    .register(registry))
        .increment();
  }

  /** Counts one pod whose namespace was missing from the cache. */
  public void namespaceCacheMiss() {
    namespaceCacheMisses.increment();
  }

  /** Exposes when the served certificate expires (epoch seconds; NaN while none is loaded). */
  public void certificateExpiry(Supplier<Double> epochSeconds) {
    Gauge.builder(
            "sidecarset.webhook.certificate.expiry.timestamp",
            epochSeconds,
            s -> {
              Double value = s.get();
              return value == null ? Double.NaN : value;
            })
        .baseUnit("seconds")
        .description("when the served certificate expires")
        .register(registry);
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  /** The content type of {@link #scrape()}. */
  public static String contentType() {
    return "text/plain; version=0.0.4; charset=utf-8";
  }

  private Counter counter(String key, Supplier<Counter> create) {
    return counters.computeIfAbsent(key, k -> create.get());
  }

  @Override
  public void close() {
    gcMetrics.close();
    registry.close();
  }
}
