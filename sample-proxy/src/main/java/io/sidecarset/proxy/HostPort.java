package io.sidecarset.proxy;

import java.net.InetSocketAddress;

/**
 * A {@code HOST:PORT} command-line value. The host is kept as text (resolved only when the socket
 * is bound or connected); IPv6 literals are written in brackets, {@code [::1]:8080}.
 */
public record HostPort(String host, int port) {

  public HostPort {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be empty");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port out of range 0-65535: " + port);
    }
  }

  /** Parses {@code HOST:PORT}; {@code what} names the option in the error message. */
  public static HostPort parse(String what, String text) throws UsageException {
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new UsageException(what + ": expected HOST:PORT, got '" + text + "'");
    }
    String host = text.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new UsageException(what + ": write an IPv6 host in brackets, e.g. [::1]:8080");
    }
    int port;
    try {
      port = Integer.parseInt(text.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new UsageException(what + ": port is not a number in '" + text + "'");
    }
    if (port < 0 || port > 65_535 || host.isBlank()) {
      throw new UsageException(
          what + ": port must be 0-65535 and host non-empty in '" + text + "'");
    }
    return new HostPort(host, port);
  }

  public InetSocketAddress toSocketAddress() {
    return new InetSocketAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
