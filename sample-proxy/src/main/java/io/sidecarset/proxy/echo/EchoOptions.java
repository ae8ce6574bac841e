package io.sidecarset.proxy.echo;

import io.sidecarset.proxy.CommandLineFlags;
import io.sidecarset.proxy.HostPort;
import io.sidecarset.proxy.UsageException;
import java.util.List;
import java.util.Set;

/**
 * Flags of the demo app: {@code echo --listen HOST:PORT [--workers N]}.
 *
 * @param listen where the app listens (loopback in the demo pod: only the proxy reaches it)
 * @param workers event-loop threads
 */
public record EchoOptions(HostPort listen, int workers) {

  public static EchoOptions parse(List<String> args) throws UsageException {
    CommandLineFlags flags = CommandLineFlags.parse("echo", args, Set.of("listen", "workers"));
    return new EchoOptions(
        HostPort.parse("--listen", flags.required("listen")), flags.positiveInt("workers", 1, 1));
  }
}
