package io.sidecarset.api;

/**
 * Environment variables the controller reads. The Helm chart sets them, so the names live here. All
 * are optional; the defaults suit one or two replicas in the controller's own namespace.
 */
public final class ControllerEnv {

  /** {@code false} turns leader election off (a single replica). Default {@code true}. */
  public static final String LEADER_ELECTION = "SIDECARSET_LEADER_ELECTION";

  /** Name of the leader-election Lease. Default {@link #DEFAULT_LEASE_NAME}. */
  public static final String LEASE_NAME = "SIDECARSET_LEASE_NAME";

  /**
   * Namespace of the Lease. Default {@link #POD_NAMESPACE}, then the client's namespace (the
   * service account's, in a pod).
   */
  public static final String LEASE_NAMESPACE = "SIDECARSET_LEASE_NAMESPACE";

  /** Port of /healthz, /readyz and /metrics. Default {@link #DEFAULT_HTTP_PORT}; 0 picks one. */
  public static final String HTTP_PORT = "SIDECARSET_HTTP_PORT";

  /** Address the HTTP endpoints bind to. Default {@code 0.0.0.0}. */
  public static final String HTTP_ADDRESS = "SIDECARSET_HTTP_ADDRESS";

  /** How many pod patches run at once. Default {@link #DEFAULT_PATCH_PARALLELISM}. */
  public static final String PATCH_PARALLELISM = "SIDECARSET_PATCH_PARALLELISM";

  /** The pod's namespace (downward API {@code metadata.namespace}). */
  public static final String POD_NAMESPACE = "POD_NAMESPACE";

  /** The pod's name (downward API {@code metadata.name}): the leader-election identity. */
  public static final String POD_NAME = "POD_NAME";

  public static final String DEFAULT_LEASE_NAME = "sidecarset-controller";
  public static final int DEFAULT_HTTP_PORT = 8080;
  public static final int DEFAULT_PATCH_PARALLELISM = 16;

  private ControllerEnv() {}
}
