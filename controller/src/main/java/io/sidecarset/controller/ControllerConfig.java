package io.sidecarset.controller;

import io.sidecarset.api.ControllerEnv;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * How the controller runs, read once from the environment ({@link ControllerEnv}).
 *
 * @param leaderElection whether replicas elect a leader through a Lease (only the leader acts)
 * @param leaseName the Lease's name
 * @param leaseNamespace the Lease's namespace; empty means the client's namespace
 * @param identity this replica's name in the Lease
 * @param exitOnLostLeadership exit the process when leadership is lost (production), or only stop
 *     acting (tests that run several controllers in one JVM)
 * @param leaseDuration how long a leader's claim lasts without renewal
 * @param httpAddress address of the health and metrics endpoints
 * @param httpPort port of the health and metrics endpoints (0 picks a free one)
 * @param patchParallelism how many pod patches run at once
 */
public record ControllerConfig(
    boolean leaderElection,
    String leaseName,
    Optional<String> leaseNamespace,
    String identity,
    boolean exitOnLostLeadership,
    Duration leaseDuration,
    String httpAddress,
    int httpPort,
    int patchParallelism) {

  static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(15);

  /** The configuration from environment variables, with the documented defaults. */
  public static ControllerConfig fromEnv(Map<String, String> env) {
    String identity =
        firstNonBlank(env.get(ControllerEnv.POD_NAME), env.get("HOSTNAME"))
            .orElseGet(() -> "sidecarset-controller-" + UUID.randomUUID());
    Optional<String> leaseNamespace =
        firstNonBlank(env.get(ControllerEnv.LEASE_NAMESPACE), env.get(ControllerEnv.POD_NAMESPACE));
    return new ControllerConfig(
        !"false".equalsIgnoreCase(env.getOrDefault(ControllerEnv.LEADER_ELECTION, "true").trim()),
        firstNonBlank(env.get(ControllerEnv.LEASE_NAME)).orElse(ControllerEnv.DEFAULT_LEASE_NAME),
        leaseNamespace,
        identity,
        true,
        DEFAULT_LEASE_DURATION,
        firstNonBlank(env.get(ControllerEnv.HTTP_ADDRESS)).orElse("0.0.0.0"),
        intOf(env, ControllerEnv.HTTP_PORT, ControllerEnv.DEFAULT_HTTP_PORT),
        Math.max(
            1,
            intOf(env, ControllerEnv.PATCH_PARALLELISM, ControllerEnv.DEFAULT_PATCH_PARALLELISM)));
  }

  /** A copy with another identity, Lease namespace and HTTP port (tests run several in a JVM). */
  public ControllerConfig forInstance(String identity, String leaseNamespace, int httpPort) {
    return new ControllerConfig(
        leaderElection,
        leaseName,
        Optional.of(leaseNamespace),
        identity,
        false,
        leaseDuration,
        "127.0.0.1",
        httpPort,
        patchParallelism);
  }

  /** A copy without leader election. */
  public ControllerConfig withoutLeaderElection() {
    return new ControllerConfig(
        false,
        leaseName,
        leaseNamespace,
        identity,
        exitOnLostLeadership,
        leaseDuration,
        httpAddress,
        httpPort,
        patchParallelism);
  }

  /** A copy with another lease duration (failover tests). */
  public ControllerConfig withLeaseDuration(Duration duration) {
    return new ControllerConfig(
        leaderElection,
        leaseName,
        leaseNamespace,
        identity,
        exitOnLostLeadership,
        duration,
        httpAddress,
        httpPort,
        patchParallelism);
  }

  private static int intOf(Map<String, String> env, String key, int defaultValue) {
    String value = env.get(key);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    try {
      return Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, not '" + value + "'", e);
    }
  }

  private static Optional<String> firstNonBlank(String... values) {
    for (String v : values) {
      if (v != null && !v.isBlank()) {
        return Optional.of(v.trim());
      }
    }
    return Optional.empty();
  }
}
