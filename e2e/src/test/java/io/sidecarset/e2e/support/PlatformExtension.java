package io.sidecarset.e2e.support;

import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a scenario class the installed platform, shared by every class of the run: installed before
 * the first class that needs it, checked (and reinstalled if a scenario removed it) before each
 * later one, and uninstalled when the run ends (unless {@code -Dsidecarset.e2e.keepPlatform=true},
 * which also reuses an installed one, for quick iterations).
 */
public final class PlatformExtension implements BeforeAllCallback {

  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(PlatformExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    context
        .getRoot()
        .getStore(STORE)
        .getOrComputeIfAbsent(
            SharedPlatform.class, key -> new SharedPlatform(), SharedPlatform.class)
        .ensureInstalled();
  }

  /** The run's platform; JUnit closes it at the end of the run. */
  static final class SharedPlatform implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SharedPlatform.class);

    private final ClusterFixture cluster = ClusterFixture.shared();
    private final PlatformInstaller installer = new PlatformInstaller(cluster);
    private boolean installedByUs;

    SharedPlatform() {
      new SidecarSetTester(cluster).sweepLeftovers();
    }

    void ensureInstalled() {
      boolean installed = installer.isInstalled();
      if (installed && (E2eSettings.keepPlatform() || installedByUs)) {
        installer.awaitReady();
        return;
      }
      if (installed) {
        LOG.info("a platform release from an earlier run exists: reinstalling for a clean start");
        installer.uninstall();
      }
      installer.install(Map.of());
      installedByUs = true;
    }

    @Override
    public void close() {
      if (E2eSettings.keepPlatform()) {
        LOG.info("keeping the platform installed (-D{}=true)", E2eSettings.KEEP_PLATFORM);
        return;
      }
      if (installer.isInstalled()) {
        installer.uninstall();
        installer.deleteNamespace();
      }
    }
  }
}
