package io.sidecarset.empty;

import io.sidecarset.api.SampleProxyContract;
import io.sidecarset.api.SidecarSetEnv;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The {@code sidecarset/empty} image: holds the spare slot of a hot-upgrade sidecar while the other
 * slot serves. It does nothing, as cheaply as a JVM can: the main thread waits forever and starts
 * no other thread, and SIGTERM (the controller swaps the slot's image, the kubelet stops the
 * container) ends the JVM at once through its default handler.
 *
 * <p>The controller runs this image with {@code SIDECARSET_VERSION=0}, where the postStart hook
 * passes at once. Should it ever run with other counters, the process writes the {@code idle} state
 * the hook accepts (see {@link SampleProxyContract#POST_START_HOOK}), so the slot does not fail.
 */
public final class EmptyMain {

  private EmptyMain() {}

  public static void main(String[] args) throws InterruptedException {
    writeIdleState();
    Object forever = new Object();
    synchronized (forever) {
      while (true) {
        forever.wait();
      }
    }
  }

  /**
   * {@code <run dir>/state-v<VERSION>} = {@code idle <pid> <start time>}, as the proxy writes it.
   */
  static void writeIdleState() {
    String version = System.getenv(SidecarSetEnv.SIDECARSET_VERSION);
    if (version == null || version.isBlank() || version.trim().equals("0")) {
      return;
    }
    String dir = System.getenv(SampleProxyContract.RUN_DIR_ENV);
    File runDir = new File(dir == null ? SampleProxyContract.RUN_DIR_DEFAULT : dir);
    try {
      String[] stat = selfStat();
      runDir.mkdirs();
      File tmp = new File(runDir, "state-v" + version.trim() + "." + stat[0] + ".tmp");
      try (FileOutputStream out = new FileOutputStream(tmp)) {
        out.write(("idle " + stat[0] + " " + stat[1] + "\n").getBytes(StandardCharsets.US_ASCII));
      }
      if (!tmp.renameTo(new File(runDir, "state-v" + version.trim()))) {
        System.err.println("empty: cannot write the state file in " + runDir);
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("empty: cannot write the state file in " + runDir + ": " + e);
    }
  }

  /** The pid and start time (fields 1 and 22) of /proc/self/stat. */
  static String[] selfStat() throws IOException {
    try (FileInputStream in = new FileInputStream("/proc/self/stat")) {
      String stat = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      String pid = stat.substring(0, stat.indexOf(' '));
      String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return new String[] {pid, rest[22 - 3]};
    }
  }
}
