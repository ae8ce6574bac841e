package io.sidecarset.proxy.echo;

import io.sidecarset.proxy.CommandLineFlags;
import io.sidecarset.proxy.HostPort;
import io.sidecarset.proxy.Transport;
import io.sidecarset.proxy.UsageException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Flags of the demo app: {@code echo --listen HOST:PORT [--workers N] [--transport T]}.
 *
 * @param listen where the app listens (loopback in the demo pod: only the proxy reaches it)
 * @param workers event-loop threads
 * @param transport as the proxy's {@code --transport}; empty for auto
 */
public record EchoOptions(HostPort listen, int workers, Optional<Transport> transport) {

  public static EchoOptions parse(List<String> args) throws UsageException {
    CommandLineFlags flags =
        CommandLineFlags.parse("echo", args, Set.of("listen", "workers", "transport"));
    return new EchoOptions(
        HostPort.parse("--listen", flags.required("listen")),
        flags.positiveInt("workers", 1, 1),
        Transport.parse(flags.optional("transport").orElse(Transport.AUTO)));
  }
}
