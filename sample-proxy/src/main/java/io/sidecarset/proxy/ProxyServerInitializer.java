package io.sidecarset.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * Builds the pipeline of each client connection: a {@link ProtocolSniffer} first, then either the
 * HTTP/1.1 pipeline or the HTTP/2 (prior knowledge) one on the same port.
 */
@ChannelHandler.Sharable
final class ProxyServerInitializer extends ChannelInitializer<Channel> {

  /** Largest request body the proxy buffers (requests are aggregated before forwarding). */
  static final int MAX_CONTENT = UpstreamPool.MAX_CONTENT;

  /** Concurrent streams per HTTP/2 connection; each needs its own upstream connection. */
  static final int MAX_CONCURRENT_STREAMS = 128;

  /**
   * Rapid-reset protection (CVE-2023-44487): RST_STREAM frames a client may send per {@link
   * #RST_WINDOW_SECONDS} before the connection is closed. Netty's default (200 per 30 s) is meant
   * for an edge server; behind it a sidecar's local client legitimately resets every stream it
   * gives up on, and under load that is more.
   */
  static final int MAX_RST_FRAMES_PER_WINDOW = 10_000;

  static final int RST_WINDOW_SECONDS = 10;

  private final ProxyConfig config;
  private final ConnectionTracker tracker;

  ProxyServerInitializer(ProxyConfig config, ConnectionTracker tracker) {
    this.config = config;
    this.tracker = tracker;
  }

  @Override
  protected void initChannel(Channel ch) {
    tracker.register(ch);
    ch.pipeline().addLast(new ProtocolSniffer(this));
  }

  void configureHttp1(ChannelPipeline p) {
    p.addLast(
        new HttpServerCodec(),
        new HttpObjectAggregator(MAX_CONTENT),
        new Http1ProxyHandler(config));
  }

  void configureHttp2(ChannelPipeline p) {
    Http2FrameCodec codec =
        Http2FrameCodecBuilder.forServer()
            .initialSettings(
                Http2Settings.defaultSettings().maxConcurrentStreams(MAX_CONCURRENT_STREAMS))
            .build();
    p.addLast(codec, new Http2ProxyHandler(config), new Http2DrainHandler(codec));
  }
}
