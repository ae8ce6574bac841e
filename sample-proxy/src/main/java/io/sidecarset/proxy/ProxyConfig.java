package io.sidecarset.proxy;

import io.netty.channel.EventLoop;
import io.netty.util.AsciiString;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * What the client-facing handlers need from the process around them.
 *
 * @param version the value of the {@code x-proxy-version} header
 * @param serving whether this process accepts on the listening socket and is not draining
 * @param upstreams the upstream of each event loop (see {@link Upstream} on confinement)
 */
public record ProxyConfig(
    AsciiString version, BooleanSupplier serving, Function<EventLoop, Upstream> upstreams) {}
