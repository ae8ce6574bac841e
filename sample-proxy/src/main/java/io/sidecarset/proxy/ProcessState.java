package io.sidecarset.proxy;

import io.sidecarset.api.SampleProxyContract;
import io.sidecarset.api.SidecarSetEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state file the postStart hook ({@link SampleProxyContract#POST_START_HOOK}) waits on: {@code
 * <run dir>/state-v<SIDECARSET_VERSION>}, one line {@code <state> <pid> <start time>}.
 *
 * <p>The file is named after this slot's version counter because the two slots share the run
 * directory ({@code /dev/shm} is pod-wide) and their counters differ. The pid and the process start
 * time (field 22 of {@code /proc/<pid>/stat}) let the hook tell this process's line from one left
 * by an earlier container of the same slot that the kubelet replaced.
 */
public final class ProcessState {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessState.class);

  /** The states the hook reads. */
  public enum State {
    /** Initialising or taking over: the hook keeps waiting. */
    STARTING,
    /** Accepts on the listening socket: the hook succeeds. */
    SERVING,
    /** Stays idle on purpose (empty slot, old side): the hook succeeds. */
    IDLE,
    /** Could not take over or bind: the hook fails at once. */
    FAILED;

    String word() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final Path file;

  private ProcessState(Path file) {
    this.file = file;
  }

  /** The state file of this process, or none when it does not run as a hot-upgrade slot. */
  public static Optional<ProcessState> forEnvironment(Map<String, String> env) {
    String version = env.get(SidecarSetEnv.SIDECARSET_VERSION);
    if (version == null || version.isBlank()) {
      return Optional.empty();
    }
    Path dir =
        Path.of(
            env.getOrDefault(SampleProxyContract.RUN_DIR_ENV, SampleProxyContract.RUN_DIR_DEFAULT));
    return Optional.of(new ProcessState(dir.resolve("state-v" + version.trim())));
  }

  /** Writes the state atomically; a failure is logged, not thrown (the hook then times out). */
  public void write(State state) {
    try {
      Files.createDirectories(file.getParent());
      long pid = ProcessHandle.current().pid();
      String line = state.word() + " " + pid + " " + startTime(pid) + "\n";
      Path tmp = file.resolveSibling(file.getFileName() + "." + pid + ".tmp");
      Files.writeString(tmp, line, StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot write state file {}: {}", file, e.toString());
    }
  }

  public Path path() {
    return file;
  }

  /** Field 22 of /proc/PID/stat (start time in clock ticks since boot). */
  static String startTime(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"), StandardCharsets.US_ASCII);
    // the command name (field 2) is in parentheses and may contain spaces: count after the last ')'
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return fields[22 - 3];
  }
}
