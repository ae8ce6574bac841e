package io.sidecarset.controller;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sidecarset.core.status.RolloutSnapshot;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The controller's Prometheus metrics: where every SidecarSet's pods stand, how long each pod step
 * takes, how each ended, and errors. One registry per controller instance, so that tests running
 * two controllers in one JVM can tell which one acted.
 */
public final class ControllerMetrics {

  /** Gauge: pods of a SidecarSet per phase. */
  public static final String PODS = "sidecarset_pods";

  /** Timer: one pod step (the API call that applies it), by step kind. */
  public static final String STEP_SECONDS = "sidecarset_pod_step_seconds";

  /** Counter: pod steps by kind and outcome (applied, conflict, gone, failed). */
  public static final String STEPS = "sidecarset_pod_steps_total";

  /** Timer: from a hot upgrade's patch to the new slot ready (read from the pod's progress). */
  public static final String MIGRATION_SECONDS = "sidecarset_hot_upgrade_migration_seconds";

  /** Counter: errors by kind (patch, status, event, reconcile). */
  public static final String ERRORS = "sidecarset_errors_total";

  /** Timer: one reconcile of one SidecarSet. */
  public static final String RECONCILE_SECONDS = "sidecarset_reconcile_seconds";

  private static final Map<String, ToDoubleFunction<RolloutSnapshot>> PHASES =
      Map.of(
          "matched", RolloutSnapshot::matchedPods,
          "updated", RolloutSnapshot::updatedPods,
          "ready", RolloutSnapshot::readyPods,
          "updated_ready", RolloutSnapshot::updatedReadyPods,
          "waiting", RolloutSnapshot::waitingPods,
          "in_flight", RolloutSnapshot::inFlightPods,
          "not_upgradable", s -> s.notUpgradablePods().size(),
          "rolled_back", s -> s.rolledBackPods().size());

  private final PrometheusMeterRegistry registry;
  private final Map<String, RolloutSnapshot> rollouts = new ConcurrentHashMap<>();

  public ControllerMetrics() {
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition. */
  public String scrape() {
    return registry.scrape();
  }

  /** Remembers where a SidecarSet's rollout stands; its gauges read the latest. */
  void rollout(String sidecarSet, RolloutSnapshot snapshot) {
    if (rollouts.put(sidecarSet, snapshot) == null) {
      PHASES.forEach(
          (phase, value) ->
              Gauge.builder(
                      PODS,
                      rollouts,
                      r -> r.containsKey(sidecarSet) ? value.applyAsDouble(r.get(sidecarSet)) : 0)
                  .description("Pods of a SidecarSet per phase")
                  .tag("sidecarset", sidecarSet)
                  .tag("phase", phase)
                  .register(registry));
    }
  }

  void step(String kind, String outcome, Duration took) {
    Timer.builder(STEP_SECONDS)
        .description("One pod step: the API call that applies it")
        .tag("step", kind)
        .publishPercentileHistogram()
        .register(registry)
        .record(took);
    Counter.builder(STEPS).tag("step", kind).tag("outcome", outcome).register(registry).increment();
  }

  void migration(Duration took) {
    Timer.builder(MIGRATION_SECONDS)
        .description("From a hot upgrade's patch to the new slot ready")
        .publishPercentileHistogram()
        .register(registry)
        .record(took);
  }

  void error(String kind) {
    Counter.builder(ERRORS).tag("kind", kind).register(registry).increment();
  }

  Timer reconcileTimer() {
    return Timer.builder(RECONCILE_SECONDS).register(registry);
  }

  /** Steps of {@code kind} that ended with {@code outcome} (tests count steps with it). */
  public double steps(String kind, String outcome) {
    Counter c = registry.find(STEPS).tag("step", kind).tag("outcome", outcome).counter();
    return c == null ? 0 : c.count();
  }

  /** Applied steps of every kind. */
  public double appliedSteps() {
    return registry.find(STEPS).tag("outcome", PodSteps.APPLIED).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }
}
