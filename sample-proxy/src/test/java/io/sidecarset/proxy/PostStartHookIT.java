package io.sidecarset.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.sidecarset.api.SampleProxyContract;
import io.sidecarset.api.SidecarSetEnv;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The postStart hook script of the images ({@code src/main/jib/opt/sidecarset/bin/post-start}), run
 * with {@code sh} next to real proxy processes, as the kubelet runs it in the container.
 */
class PostStartHookIT {

  static final Path HOOK = Path.of("src/main/jib/opt/sidecarset/bin/post-start").toAbsolutePath();

  Path dir;
  int appPort;
  int port;

  @BeforeEach
  void setUp(TestInfo test) throws Exception {
    dir = ProxyProcesses.workDir(test);
    appPort = ProxyProcesses.freePort();
    port = ProxyProcesses.freePort();
  }

  private Process hook(int version, int alt, int timeoutSeconds) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("sh", HOOK.toString()).redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("hook-v" + version + ".log").toFile());
    pb.environment().put(SidecarSetEnv.SIDECARSET_VERSION, Integer.toString(version));
    pb.environment().put(SidecarSetEnv.SIDECARSET_VERSION_ALT, Integer.toString(alt));
    pb.environment().put(SampleProxyContract.RUN_DIR_ENV, dir.toString());
    pb.environment()
        .put(SampleProxyContract.POST_START_TIMEOUT_ENV, Integer.toString(timeoutSeconds));
    return pb.start();
  }

  @Test
  void returnsOnlyOnceTheNewSideServesOnTheHandedOverSocket() throws Exception {
    try (ProxyProcesses fx = new ProxyProcesses(dir)) {
      fx.startEcho(appPort);
      ManagedProcess v1 =
          fx.startProxy("proxy-v1", 1, 0, "v1", port, appPort, List.of(), List.of());
      Process firstStart = hook(1, 0, 60);
      assertThat(firstStart.waitFor(2, TimeUnit.SECONDS))
          .as("nothing to migrate: at once")
          .isTrue();
      assertThat(firstStart.exitValue()).isZero();
      v1.awaitLog("waiting for a successor", Duration.ofSeconds(60));

      // as the kubelet does: the hook starts together with the container's process
      ManagedProcess v2 =
          fx.startProxy("proxy-v2", 2, 1, "v2", port, appPort, List.of(), List.of());
      Process postStart = hook(2, 1, 60);
      assertThat(postStart.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(postStart.exitValue()).isZero();
      assertThat(v2.log()).as("the hook returned after the takeover").contains("took over");
      assertThat(HttpProbe.get(port, "/who").header(SampleProxyContract.VERSION_HEADER))
          .isEqualTo("v2");
    }
  }

  @Test
  void failsAfterItsTimeoutWhenNothingServes() throws Exception {
    long t0 = System.nanoTime();
    Process postStart = hook(7, 6, 2);
    assertThat(postStart.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(postStart.exitValue()).isEqualTo(1);
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .isGreaterThanOrEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void theEmptySlotAndAnIdleOldSidePassAtOnce() throws Exception {
    try (ProxyProcesses fx = new ProxyProcesses(dir)) {
      Process empty = hook(0, 3, 60);
      assertThat(empty.waitFor(2, TimeUnit.SECONDS)).isTrue();
      assertThat(empty.exitValue()).isZero();

      ManagedProcess restartedOld =
          fx.startProxy("proxy-old", 3, 4, "v1", port, appPort, List.of(), List.of());
      Process oldSide = hook(3, 4, 60);
      assertThat(oldSide.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(oldSide.exitValue()).isZero();
      assertThat(restartedOld.log()).contains("idle: not binding");
    }
  }
}
