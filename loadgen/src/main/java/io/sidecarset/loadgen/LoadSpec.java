package io.sidecarset.loadgen;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * What to send, where, how fast and for how long. Immutable; build with {@link #builder()}.
 *
 * <p>The target must be a loopback address: an IP literal in 127.0.0.0/8 or {@code ::1}, or {@code
 * localhost} (taken as 127.0.0.1 without any name lookup). Anything else is refused when the spec
 * is built, so the generator can never send load off the machine.
 *
 * @param host loopback IP literal (or {@code localhost}) the requests go to
 * @param port TCP port, 1..65535
 * @param path request path, starting with {@code /}
 * @param ratePerSecond requests per second across all kinds, {@code > 0}
 * @param duration how long requests are scheduled for; the run ends by itself after the last
 *     request completes or times out
 * @param mix relative weights of the traffic kinds
 * @param keepAliveConnections size of the HTTP/1.1 keep-alive pool, {@code >= 1}; it bounds the
 *     keep-alive requests in flight, so size it above rate × share × latency (Little's law)
 * @param h2Connections number of long-lived h2c connections the streams are spread over, {@code >=
 *     1}
 * @param requestTimeout per-request deadline, counted from the intended send time, {@code > 0}
 * @param ioThreads Netty event-loop threads, {@code >= 1}
 */
public record LoadSpec(
    String host,
    int port,
    String path,
    double ratePerSecond,
    Duration duration,
    TrafficMix mix,
    int keepAliveConnections,
    int h2Connections,
    Duration requestTimeout,
    int ioThreads) {

  public static final String DEFAULT_PATH = "/";
  public static final TrafficMix DEFAULT_MIX = TrafficMix.of(60, 20, 20);
  public static final int DEFAULT_KEEP_ALIVE_CONNECTIONS = 32;
  public static final int DEFAULT_H2_CONNECTIONS = 4;
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);

  /** Validates every field; see the record description for the rules. */
  public LoadSpec {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(mix, "mix");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    loopbackAddress(host);
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port must be in 1..65535, got " + port);
    }
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with '/', got '" + path + "'");
    }
    long planned = new OpenLoopSchedule(ratePerSecond, duration).totalRequests();
    if (planned > RequestLog.MAX_REQUESTS) {
      throw new IllegalArgumentException(
          "rate × duration plans "
              + planned
              + " requests, more than the "
              + RequestLog.MAX_REQUESTS
              + " one run can record; split the run");
    }
    if (keepAliveConnections < 1) {
      throw new IllegalArgumentException(
          "keepAliveConnections must be >= 1, got " + keepAliveConnections);
    }
    if (h2Connections < 1) {
      throw new IllegalArgumentException("h2Connections must be >= 1, got " + h2Connections);
    }
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException("requestTimeout must be > 0, got " + requestTimeout);
    }
    if (ioThreads < 1) {
      throw new IllegalArgumentException("ioThreads must be >= 1, got " + ioThreads);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder preset with this spec's values. */
  public Builder toBuilder() {
    return new Builder()
        .target(host, port)
        .path(path)
        .ratePerSecond(ratePerSecond)
        .duration(duration)
        .mix(mix)
        .keepAliveConnections(keepAliveConnections)
        .h2Connections(h2Connections)
        .requestTimeout(requestTimeout)
        .ioThreads(ioThreads);
  }

  /** The resolved target socket address (no name lookup happens). */
  public InetSocketAddress address() {
    return new InetSocketAddress(loopbackAddress(host), port);
  }

  /** The {@code Host} header / {@code :authority} value. */
  public String authority() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** Number of requests the run schedules if it is not stopped early. */
  public long plannedRequests() {
    return schedule().totalRequests();
  }

  OpenLoopSchedule schedule() {
    return new OpenLoopSchedule(ratePerSecond, duration);
  }

  /**
   * The loopback address named by {@code host}, without DNS.
   *
   * @throws IllegalArgumentException when host is not a loopback IP literal or {@code localhost}
   */
  static InetAddress loopbackAddress(String host) {
    String literal =
        host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if ("localhost".equalsIgnoreCase(literal)) {
      literal = "127.0.0.1";
    }
    InetAddress address = NetUtil.createInetAddressFromIpAddressString(literal);
    if (address == null || !address.isLoopbackAddress()) {
      throw new IllegalArgumentException(
          "loadgen only targets loopback addresses (127.0.0.0/8, ::1 or localhost), refusing '"
              + host
              + "'");
    }
    return address;
  }

  /** Builds a {@link LoadSpec}; {@link #target} and {@link #ratePerSecond} are required. */
  public static final class Builder {
    private String host;
    private int port;
    private String path = DEFAULT_PATH;
    private double ratePerSecond;
    private Duration duration = Duration.ofSeconds(10);
    private TrafficMix mix = DEFAULT_MIX;
    private int keepAliveConnections = DEFAULT_KEEP_ALIVE_CONNECTIONS;
    private int h2Connections = DEFAULT_H2_CONNECTIONS;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int ioThreads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));

    private Builder() {}

    public Builder target(String host, int port) {
      this.host = host;
      this.port = port;
      return this;
    }

    public Builder target(InetSocketAddress address) {
      return target(address.getAddress().getHostAddress(), address.getPort());
    }

    public Builder path(String path) {
      this.path = path;
      return this;
    }

    public Builder ratePerSecond(double ratePerSecond) {
      this.ratePerSecond = ratePerSecond;
      return this;
    }

    public Builder duration(Duration duration) {
      this.duration = duration;
      return this;
    }

    public Builder mix(TrafficMix mix) {
      this.mix = mix;
      return this;
    }

    public Builder keepAliveConnections(int keepAliveConnections) {
      this.keepAliveConnections = keepAliveConnections;
      return this;
    }

    public Builder h2Connections(int h2Connections) {
      this.h2Connections = h2Connections;
      return this;
    }

    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = requestTimeout;
      return this;
    }

    public Builder ioThreads(int ioThreads) {
      this.ioThreads = ioThreads;
      return this;
    }

    /**
     * @throws IllegalArgumentException when a field is invalid or the target is not loopback
     */
    public LoadSpec build() {
      if (host == null) {
        throw new IllegalArgumentException("target(host, port) is required");
      }
      return new LoadSpec(
          host,
          port,
          path,
          ratePerSecond,
          duration,
          mix,
          keepAliveConnections,
          h2Connections,
          requestTimeout,
          ioThreads);
    }
  }
}
