package io.sidecarset.proxy;

import io.sidecarset.api.SampleProxyContract;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Everything {@code proxy} runs with: its flags, plus the environment it reads ({@code
 * PROXY_VERSION}, the run directory). The hot-upgrade role comes from the environment too, but is
 * decided separately ({@link RoleDecision}).
 *
 * @param listen the listening address (bound on first start; on takeover the socket is inherited)
 * @param upstream the local application, reached over pooled HTTP/1.1 keep-alive connections
 * @param handoffSocket the Unix domain socket where the serving process hands over its listener
 * @param runDir where the state file for the postStart hook is written
 * @param drainTimeout how long a process that handed over keeps its client connections
 * @param handoffTimeout how long the new side waits for the serving side before binding itself
 * @param bindTimeout how long binding is retried while the port is still held
 * @param upstreamTimeout how long a request may wait for the upstream's response
 * @param workers event-loop threads
 * @param transport {@code --transport}: io_uring or epoll, or empty to take io_uring where the
 *     machine allows it ({@link Transport#resolve})
 * @param warmupRequests requests driven through an in-process copy of the pipeline before asking
 *     for the listener (JIT warm-up); 0 disables it
 * @param warmupRate requests per second of a successor's warm-up (the predecessor serves on the
 *     same cores meanwhile); 0 runs it unpaced. A first start warms up unpaced.
 * @param version the label sent in {@code x-proxy-version}
 */
public record ProxyOptions(
    HostPort listen,
    HostPort upstream,
    Path handoffSocket,
    Path runDir,
    Duration drainTimeout,
    Duration handoffTimeout,
    Duration bindTimeout,
    Duration upstreamTimeout,
    int workers,
    Optional<Transport> transport,
    int warmupRequests,
    int warmupRate,
    String version) {

  public static final Duration DEFAULT_DRAIN_TIMEOUT = Duration.ofSeconds(30);
  public static final Duration DEFAULT_HANDOFF_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_BIND_TIMEOUT = Duration.ofSeconds(60);
  public static final Duration DEFAULT_UPSTREAM_TIMEOUT = Duration.ofSeconds(30);

  /**
   * Two event loops when the CPU quota allows (the JVM reads the container's quota): one core of
   * work per loop, and a second loop keeps accepting while the first is busy.
   */
  public static final int DEFAULT_WORKERS = Math.min(2, Runtime.getRuntime().availableProcessors());

  public static final int DEFAULT_WARMUP_REQUESTS = 5_000;

  /**
   * A successor's 5,000 warm-up requests take 6-7 s at this rate instead of 2-4 s unpaced; in the
   * 20-handoff chain at 2,000 req/s on two cores, the handoff-window p99 went from 2.6-3.9x the
   * steady p99 to 1.8-2.6x (docs/benchmarks/proxy.md).
   */
  public static final int DEFAULT_WARMUP_RATE = 1_000;

  /**
   * The longest path a Unix domain socket can bind on Linux: {@code sun_path} holds 108 bytes, the
   * last of which is the terminating NUL.
   */
  static final int MAX_SOCKET_PATH_BYTES = 107;

  public static final String DEFAULT_VERSION = "dev";

  static final String USAGE =
      """
      usage: proxy --listen HOST:PORT --upstream HOST:PORT [--handoff-socket PATH]
                   [--drain-timeout DURATION] [--handoff-timeout DURATION] [--bind-timeout DURATION]
                   [--upstream-timeout DURATION] [--workers N] [--warmup-requests N]
                   [--warmup-rate N] [--transport auto|io_uring|epoll]
             echo  --listen HOST:PORT [--workers N] [--transport auto|io_uring|epoll]
      durations: 250ms, 30s, 2m, 1h or ISO-8601 (PT30S)
      environment: PROXY_VERSION, SIDECARSET_VERSION, SIDECARSET_VERSION_ALT, SIDECARSET_RUN_DIR
      """;

  private static final Set<String> FLAGS =
      Set.of(
          "listen",
          "upstream",
          "handoff-socket",
          "drain-timeout",
          "handoff-timeout",
          "bind-timeout",
          "upstream-timeout",
          "workers",
          "transport",
          "warmup-requests",
          "warmup-rate");

  /** Parses the arguments after {@code proxy}; {@code env} is the process environment. */
  public static ProxyOptions parse(List<String> args, Map<String, String> env)
      throws UsageException {
    CommandLineFlags flags = CommandLineFlags.parse("proxy", args, FLAGS);
    Path runDir =
        Path.of(
            env.getOrDefault(SampleProxyContract.RUN_DIR_ENV, SampleProxyContract.RUN_DIR_DEFAULT));
    Path handoff =
        flags
            .optional("handoff-socket")
            .map(Path::of)
            .orElse(runDir.resolve(SampleProxyContract.HANDOFF_SOCKET_NAME));
    requireBindable("--handoff-socket", handoff);
    requireBindable("--handoff-socket (its warm-up sibling)", warmupSocket(handoff));
    String version = env.getOrDefault(SampleProxyContract.PROXY_VERSION_ENV, DEFAULT_VERSION);
    return new ProxyOptions(
        HostPort.parse("--listen", flags.required("listen")),
        HostPort.parse("--upstream", flags.required("upstream")),
        handoff,
        runDir,
        duration(flags, "drain-timeout", DEFAULT_DRAIN_TIMEOUT),
        duration(flags, "handoff-timeout", DEFAULT_HANDOFF_TIMEOUT),
        duration(flags, "bind-timeout", DEFAULT_BIND_TIMEOUT),
        duration(flags, "upstream-timeout", DEFAULT_UPSTREAM_TIMEOUT),
        flags.positiveInt("workers", DEFAULT_WORKERS, 1),
        Transport.parse(flags.optional("transport").orElse(Transport.AUTO)),
        flags.positiveInt("warmup-requests", DEFAULT_WARMUP_REQUESTS, 0),
        flags.positiveInt("warmup-rate", DEFAULT_WARMUP_RATE, 0),
        version.isBlank() ? DEFAULT_VERSION : version);
  }

  /**
   * The socket of the in-process handover rehearsal ({@link JitWarmup}): next to the handoff
   * socket, with a name no longer than the default handoff socket's, so that a handoff socket path
   * that fits leaves room for it.
   */
  Path warmupSocket() {
    return warmupSocket(handoffSocket);
  }

  private static Path warmupSocket(Path handoff) {
    return handoff.toAbsolutePath().resolveSibling("warm-" + ProcessHandle.current().pid());
  }

  /** Whether a Unix domain socket can bind at {@code socket} (its absolute path fits). */
  static boolean fitsSocketPath(Path socket) {
    return socketPathBytes(socket) <= MAX_SOCKET_PATH_BYTES;
  }

  private static int socketPathBytes(Path socket) {
    return socket.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8).length;
  }

  private static void requireBindable(String flag, Path socket) throws UsageException {
    if (!fitsSocketPath(socket)) {
      throw new UsageException(
          "proxy: "
              + flag
              + ": "
              + socket.toAbsolutePath()
              + " is "
              + socketPathBytes(socket)
              + " bytes; a Unix domain socket path may have at most "
              + MAX_SOCKET_PATH_BYTES
              + " (use a shorter directory)");
    }
  }

  private static Duration duration(CommandLineFlags flags, String name, Duration def)
      throws UsageException {
    var text = flags.optional(name);
    return text.isEmpty() ? def : DurationText.parse("--" + name, text.get());
  }
}
