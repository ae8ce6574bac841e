package io.sidecarset.controller;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller process: a java-operator-sdk operator running {@link SidecarSetReconciler}, with
 * leader election through a Lease (so that two replicas are safe: only the leader acts), and the
 * health and metrics endpoints. {@link #main} reads its configuration from the environment ({@link
 * io.sidecarset.api.ControllerEnv}) and the cluster from the usual kubeconfig or in-cluster service
 * account.
 */
public final class SidecarSetOperator implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SidecarSetOperator.class);

  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

  private final ControllerConfig config;
  private final KubernetesClient client;
  private final Clock clock;
  private final ControllerMetrics metrics = new ControllerMetrics();
  private final ExecutorService pool;
  private final Operator operator;
  private final HealthServer health;
  private final AtomicBoolean leading = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();

  public SidecarSetOperator(ControllerConfig config, KubernetesClient client, Clock clock)
      throws IOException {
    this.config = config;
    this.client = client;
    this.clock = clock;
    AtomicInteger threads = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            config.patchParallelism(),
            r -> {
              Thread t = new Thread(r, "pod-steps-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  // status is written with a merge patch by the reconciler itself
                  .withUseSSAToPatchPrimaryResource(false);
              if (config.leaderElection()) {
                o.withLeaderElectionConfiguration(leaderElection(config));
              }
            });
    operator.register(new SidecarSetReconciler(client, clock, metrics, pool, config.identity()));
    Gauge.builder("sidecarset_leader", leading, l -> l.get() ? 1 : 0)
        .description("1 while this replica holds the lease (or runs without leader election)")
        .register(metrics.registry());
    this.health =
        new HealthServer(
            config.httpAddress(),
            config.httpPort(),
            () -> !stopped.get(),
            () ->
                operator.getRuntimeInfo().isStarted()
                    && operator.getRuntimeInfo().allEventSourcesAreHealthy(),
            metrics::scrape);
  }

  private LeaderElectionConfiguration leaderElection(ControllerConfig config) {
    Duration lease = config.leaseDuration();
    var builder =
        LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(config.leaseName())
            .withIdentity(config.identity())
            .withLeaseDuration(lease)
            .withRenewDeadline(lease.multipliedBy(2).dividedBy(3))
            .withRetryPeriod(lease.dividedBy(7))
            // the SDK's own exit calls System.exit also when the shutdown hook stops the
            // election, and System.exit inside a shutdown hook blocks forever: the process then
            // ignored SIGTERM until the kubelet's SIGKILL, 30 s later, still holding the lease
            .withExitOnStopLeading(false)
            .withLeaderCallbacks(
                new LeaderCallbacks(
                    () -> {
                      leading.set(true);
                      LOG.info("{} leads: acting on SidecarSets", config.identity());
                    },
                    this::stoppedLeading,
                    leader -> LOG.info("leader is {}", leader)));
    config.leaseNamespace().ifPresent(builder::withLeaseNamespace);
    return builder.build();
  }

  /**
   * Leadership ended: by {@link #close()}, or lost (a lease renewal failed). A lost lease ends the
   * process where configured, so that two replicas never act at once; the kubelet restarts it.
   */
  private void stoppedLeading() {
    leading.set(false);
    if (stopped.get()) {
      LOG.info("{} stopped leading: shutting down", config.identity());
    } else if (config.exitOnLostLeadership()) {
      LOG.error("{} lost the lease: exiting so that no two replicas act", config.identity());
      // not on this thread: System.exit runs the shutdown hook, which stops the leader election
      // this thread belongs to
      new Thread(() -> System.exit(1), "exit-on-lost-lease").start();
    } else {
      LOG.warn("{} lost the lease: no longer acting on SidecarSets", config.identity());
    }
  }

  /** Starts the operator: informers sync, then the leader (or the only replica) reconciles. */
  public void start() {
    operator.start();
    if (!config.leaderElection()) {
      leading.set(true);
    }
    LOG.info(
        "SidecarSet controller {} started; health and metrics on port {}",
        config.identity(),
        health.port());
  }

  /** True while this replica holds the lease (always, without leader election). */
  public boolean isLeader() {
    return leading.get();
  }

  public ControllerMetrics metrics() {
    return metrics;
  }

  public int httpPort() {
    return health.port();
  }

  @Override
  public void close() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    boolean wasLeading = leading.get();
    try {
      operator.stop();
      if (wasLeading && config.leaderElection()) {
        String namespace = config.leaseNamespace().orElse(client.getNamespace());
        if (LeaseRelease.release(client, namespace, config.leaseName(), config.identity(), clock)) {
          LOG.info("{} released the lease", config.identity());
        }
      }
    } finally {
      leading.set(false);
      pool.shutdownNow();
      health.close();
    }
  }

  public static void main(String[] args) throws IOException {
    ControllerConfig config = ControllerConfig.fromEnv(System.getenv());
    KubernetesClient client = new KubernetesClientBuilder().build();
    SidecarSetOperator controller = new SidecarSetOperator(config, client, Clock.systemUTC());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  controller.close();
                  client.close();
                },
                "shutdown"));
    controller.start();
  }
}
