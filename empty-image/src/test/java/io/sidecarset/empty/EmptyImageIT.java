package io.sidecarset.empty;

import static org.assertj.core.api.Assertions.assertThat;

import io.sidecarset.api.SampleProxyContract;
import io.sidecarset.api.SidecarSetEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The empty image's JVM, started with the image's own flag file: it idles within 32 MiB resident,
 * starts no thread of its own, exits at once on SIGTERM, and its postStart hook passes at once.
 */
class EmptyImageIT {

  static final long MAX_RSS_KIB = 32 * 1024;

  @TempDir Path runDir;

  private Process start(String version, String alt) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("@" + System.getProperty("empty.jvm.options"));
    cmd.add("-cp");
    cmd.add(System.getProperty("empty.classes"));
    cmd.add(EmptyMain.class.getName());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.redirectOutput(runDir.resolve("empty-" + version + ".log").toFile());
    pb.environment().put(SidecarSetEnv.SIDECARSET_VERSION, version);
    pb.environment().put(SidecarSetEnv.SIDECARSET_VERSION_ALT, alt);
    pb.environment().put(SampleProxyContract.RUN_DIR_ENV, runDir.toString());
    return pb.start();
  }

  private static long status(Process p, String field) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(p.pid()), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new AssertionError(field + " not in /proc/" + p.pid() + "/status");
  }

  private int hook(String version, String alt) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("sh", System.getProperty("post-start.hook")).redirectErrorStream(true);
    pb.environment().put(SidecarSetEnv.SIDECARSET_VERSION, version);
    pb.environment().put(SidecarSetEnv.SIDECARSET_VERSION_ALT, alt);
    pb.environment().put(SampleProxyContract.RUN_DIR_ENV, runDir.toString());
    pb.environment().put(SampleProxyContract.POST_START_TIMEOUT_ENV, "5");
    Process h = pb.start();
    assertThat(h.waitFor(10, TimeUnit.SECONDS)).isTrue();
    return h.exitValue();
  }

  @Test
  void idlesSmallAndExitsAtOnceOnSigterm() throws Exception {
    Process p = start("0", "3");
    try {
      Thread.sleep(3_000); // past start-up, as it sits in a pod
      assertThat(p.isAlive()).isTrue();
      long rss = status(p, "VmRSS");
      long threads = status(p, "Threads");
      System.out.printf("empty image JVM: VmRSS %d KiB, %d threads%n", rss, threads);
      Files.writeString(
          Path.of("target", "empty-rss.txt"), "VmRSS " + rss + " KiB, threads " + threads + "\n");
      assertThat(rss).as("resident memory, KiB").isLessThanOrEqualTo(MAX_RSS_KIB);
      assertThat(threads)
          .as("JVM threads only: no compiler, no GC workers")
          .isLessThanOrEqualTo(12);

      long t0 = System.nanoTime();
      p.destroy(); // SIGTERM
      assertThat(p.waitFor(1, TimeUnit.SECONDS)).as("exit within 1 s of SIGTERM").isTrue();
      System.out.printf("exit %d ms after SIGTERM%n", (System.nanoTime() - t0) / 1_000_000);
    } finally {
      p.destroyForcibly();
    }
    assertThat(hook("0", "3")).as("nothing to migrate on the empty slot").isZero();
  }

  @Test
  void withUnexpectedCountersItReportsIdleSoThePostStartHookPasses() throws Exception {
    Process p = start("5", "4");
    try {
      Path state = runDir.resolve("state-v5");
      for (int i = 0; i < 100 && !Files.exists(state); i++) {
        Thread.sleep(50);
      }
      assertThat(Files.readString(state)).startsWith("idle " + p.pid() + " ");
      assertThat(hook("5", "4")).isZero();
    } finally {
      p.destroyForcibly();
    }
  }
}
