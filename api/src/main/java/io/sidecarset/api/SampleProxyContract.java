package io.sidecarset.api;

/**
 * What the demo sidecar images ({@code sidecarset/sample-proxy}, {@code sidecarset/empty}) promise
 * to the charts and the e2e tests: the postStart hook's path and settings, the readiness path, the
 * header that names the serving version, and the environment keys the images read.
 */
public final class SampleProxyContract {

  /**
   * The postStart hook, at the same path in the proxy image and in the empty image (the two slots
   * of a hot-upgrade sidecar are identical but for the image, so they share the hook command). It
   * exits 0 at once when there is nothing to migrate ({@code SIDECARSET_VERSION} or {@code
   * SIDECARSET_VERSION_ALT} is 0 or unset), otherwise only once this container's process serves on
   * the handed-over listening socket (or decided to stay idle), and non-zero after {@link
   * #POST_START_TIMEOUT_ENV} seconds.
   */
  public static final String POST_START_HOOK = "/opt/sidecarset/bin/post-start";

  /**
   * Seconds the postStart hook waits before it fails; default {@value #POST_START_TIMEOUT_DEFAULT}.
   */
  public static final String POST_START_TIMEOUT_ENV = "SIDECARSET_POST_START_TIMEOUT_SECONDS";

  public static final int POST_START_TIMEOUT_DEFAULT = 60;

  /**
   * Directory shared by the two slots (a pod's containers share {@code /dev/shm}) holding the
   * handoff socket and each process's state file; default {@value #RUN_DIR_DEFAULT}.
   */
  public static final String RUN_DIR_ENV = "SIDECARSET_RUN_DIR";

  public static final String RUN_DIR_DEFAULT = "/dev/shm/sidecarset";

  /** File name of the listening-socket handoff Unix domain socket inside the run directory. */
  public static final String HANDOFF_SOCKET_NAME = "proxy-handoff.sock";

  /** The proxy's version label (e.g. {@code v2}), sent back in {@link #VERSION_HEADER}. */
  public static final String PROXY_VERSION_ENV = "PROXY_VERSION";

  /** Response header on every proxied response: the {@link #PROXY_VERSION_ENV} that served it. */
  public static final String VERSION_HEADER = "x-proxy-version";

  /**
   * Answered by the proxy itself: 200 when this process accepts on the listening socket and the
   * upstream is reachable, 503 otherwise.
   */
  public static final String READY_PATH = "/ready";

  /** Demo app query parameter: milliseconds to wait before answering (slow-request tests). */
  public static final String ECHO_DELAY_PARAM = "delay";

  private SampleProxyContract() {}
}
