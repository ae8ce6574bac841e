package io.sidecarset.e2e.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the e2e suite finds its cluster, charts and output, from system properties set by the e2e
 * pom (and overridable with {@code -D}); each has a default that works from the e2e module's
 * directory.
 */
public final class E2eSettings {

  /** Path of a kubeconfig; when unset, the {@code KUBECONFIG} env variable is used. */
  public static final String KUBECONFIG = "sidecarset.kubeconfig";

  /** The k3s image the Testcontainers path starts, only if Docker already has it. */
  public static final String K3S_IMAGE = "sidecarset.k3s.image";

  /** {@code true}: leave the platform installed after the run, and reuse an installed one. */
  public static final String KEEP_PLATFORM = "sidecarset.e2e.keepPlatform";

  public static final String CHARTS_DIR = "sidecarset.charts.dir";
  public static final String WORK_DIR = "sidecarset.e2e.workDir";
  public static final String REPORT_DIR = "sidecarset.e2e.reportDir";

  /** An image whose container starts but never passes the proxy's postStart hook. */
  public static final String NEVER_READY_IMAGE = "sidecarset.e2e.neverReadyImage";

  private E2eSettings() {}

  /** The kubeconfig file named by {@link #KUBECONFIG}, else by the {@code KUBECONFIG} env var. */
  public static Optional<Path> kubeconfig() {
    String property = System.getProperty(KUBECONFIG, "").trim();
    String env = Optional.ofNullable(System.getenv("KUBECONFIG")).orElse("").trim();
    String chosen = !property.isEmpty() ? property : env;
    if (chosen.isEmpty()) {
      return Optional.empty();
    }
    // KUBECONFIG may be a list; the first existing file is the one clients read first
    for (String candidate : chosen.split(":")) {
      Path path = Path.of(candidate);
      if (Files.isRegularFile(path)) {
        return Optional.of(path.toAbsolutePath());
      }
    }
    throw new IllegalStateException("no kubeconfig file at " + chosen);
  }

  public static String k3sImage() {
    return System.getProperty(K3S_IMAGE, "rancher/k3s:v1.31.4-k3s1");
  }

  public static boolean keepPlatform() {
    return Boolean.parseBoolean(System.getProperty(KEEP_PLATFORM, "false"));
  }

  public static Path chartsDir() {
    return Path.of(System.getProperty(CHARTS_DIR, "../charts")).toAbsolutePath().normalize();
  }

  public static Path workDir() {
    return Path.of(System.getProperty(WORK_DIR, "target/e2e-work")).toAbsolutePath().normalize();
  }

  public static Path reportDir() {
    return Path.of(System.getProperty(REPORT_DIR, "target/e2e-report"))
        .toAbsolutePath()
        .normalize();
  }

  public static String neverReadyImage() {
    return System.getProperty(NEVER_READY_IMAGE, "k8s.gcr.io/pause:3.2");
  }
}
