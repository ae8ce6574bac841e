package io.sidecarset.api;

/** Label keys. Labels (unlike annotations) can be selected on, so informers can filter by them. */
public final class SidecarSetLabels {

  /**
   * Set to {@code "true"} on every pod the webhook injected, so that the controller's pod informer
   * caches only those pods instead of every pod in the cluster.
   */
  public static final String INJECTED = "sidecarset.io/injected";

  /** Value of {@link #INJECTED}. */
  public static final String INJECTED_TRUE = "true";

  /**
   * The standard label that carries a Namespace's own name (used to match {@code spec.namespace}).
   */
  public static final String NAMESPACE_NAME = "kubernetes.io/metadata.name";

  /** Recommended labels on the platform's own objects. */
  public static final String APP_NAME = "app.kubernetes.io/name";

  public static final String APP_COMPONENT = "app.kubernetes.io/component";

  private SidecarSetLabels() {}
}
