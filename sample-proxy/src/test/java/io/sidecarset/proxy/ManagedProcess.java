package io.sidecarset.proxy;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One process started by {@link ProxyProcesses}: its log, signals by pid, its sockets. */
final class ManagedProcess {

  private static final Pattern SOCKET_INODE = Pattern.compile("socket:\\[(\\d+)]");

  private final String name;
  private final Process process;
  private final Path log;

  ManagedProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  String log() {
    try {
      return Files.exists(log) ? Files.readString(log) : "";
    } catch (IOException e) {
      return "(unreadable log: " + e + ")";
    }
  }

  /** Waits until the log contains {@code text}; fails with the log when it does not in time. */
  String awaitLog(String text, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      String s = log();
      int at = s.indexOf(text);
      if (at >= 0) {
        int end = s.indexOf('\n', at);
        int start = s.lastIndexOf('\n', at) + 1;
        return s.substring(start, end < 0 ? s.length() : end);
      }
      if (!process.isAlive()) {
        throw new AssertionError(
            name + " exited (" + process.exitValue() + ") before logging '" + text + "':\n" + s);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            name + " did not log '" + text + "' within " + timeout + ":\n" + s);
      }
      sleep(20);
    }
  }

  /** Sends a signal by pid (STOP, CONT, TERM, KILL). */
  void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** SIGTERM; returns how long the process took to exit, or fails when it did not within limit. */
  Duration terminate(Duration limit) throws InterruptedException {
    long t0 = System.nanoTime();
    signal("TERM");
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      kill();
      throw new AssertionError(name + " did not exit within " + limit + " of SIGTERM:\n" + log());
    }
    return Duration.ofNanos(System.nanoTime() - t0);
  }

  int awaitExit(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError(name + " still runs after " + limit + ":\n" + log());
    }
    return process.exitValue();
  }

  void kill() {
    if (process.isAlive()) {
      process.destroyForcibly();
      try {
        process.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Established TCP connections this process holds whose local port is {@code port}. */
  int clientConnections(int port) throws IOException {
    return tcpSockets(port, "01");
  }

  /** Whether this process holds a listening TCP socket on {@code port}. */
  boolean holdsListener(int port) throws IOException {
    return tcpSockets(port, "0A") > 0;
  }

  /**
   * Connections waiting in the accept queue of the listening socket on {@code port} (rx_queue of
   * the LISTEN entry in /proc/net/tcp), or -1 when no socket listens there.
   *
   * <p>The kernel lists listening sockets before all others, so the read stops at the first entry
   * that is not one: a 2,000 req/s run leaves tens of thousands of TIME_WAIT entries behind, and
   * reading and splitting all of them every second cost the chain's trace thread about a sixth of a
   * core, on the two cores the proxies under test share.
   */
  static int acceptQueue(int port) throws IOException {
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try (BufferedReader in = Files.newBufferedReader(Path.of(table))) {
        in.readLine(); // the header
        for (String line; (line = in.readLine()) != null; ) {
          String[] f = line.trim().split("\\s+", 6);
          if (!f[3].equals("0A")) {
            break; // past the listening sockets
          }
          if (f[1].endsWith(hexPort)) {
            return Integer.parseInt(f[4].substring(f[4].indexOf(':') + 1), 16);
          }
        }
      }
    }
    return -1;
  }

  /** Open file descriptors (for leak checks across handoffs). */
  int openFds() {
    String[] fds = Path.of("/proc", Long.toString(pid()), "fd").toFile().list();
    return fds == null ? -1 : fds.length;
  }

  /** Resident set size in KiB, from /proc/PID/status. */
  long rssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private int tcpSockets(int port, String state) throws IOException {
    Set<String> inodes = new HashSet<>();
    Path fdDir = Path.of("/proc", Long.toString(pid()), "fd");
    String[] fds = fdDir.toFile().list();
    if (fds == null) {
      return 0;
    }
    for (String fd : fds) {
      try {
        Matcher m = SOCKET_INODE.matcher(Files.readSymbolicLink(fdDir.resolve(fd)).toString());
        if (m.matches()) {
          inodes.add(m.group(1));
        }
      } catch (IOException e) {
        // closed meanwhile
      }
    }
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    int n = 0;
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      List<String> lines = Files.readAllLines(Path.of(table));
      for (String line : lines.subList(1, lines.size())) {
        String[] f = line.trim().split("\\s+");
        if (f[1].endsWith(hexPort) && f[3].equals(state) && inodes.contains(f[9])) {
          n++;
        }
      }
    }
    return n;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return name + "(pid " + pid() + ")";
  }
}
