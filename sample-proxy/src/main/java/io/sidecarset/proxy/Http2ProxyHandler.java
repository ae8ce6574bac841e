package io.sidecarset.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.util.AsciiString;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import java.util.Iterator;
import java.util.Map;

/**
 * All streams of one HTTP/2 connection, handled in the connection's own pipeline (after {@code
 * Http2FrameCodec}) without a child channel per stream: each request becomes an HTTP/1.1 request to
 * the upstream, each response goes back as a HEADERS (+ DATA) frame that ends the stream. A stream
 * with a body is gathered first (and its flow-control window returned as it arrives). Frames that
 * are not about a stream go on down the pipeline (the {@link Http2DrainHandler} waits for its PING
 * there).
 */
final class Http2ProxyHandler extends ChannelInboundHandlerAdapter {

  /** Header names and values were checked by the HPACK decoder already. */
  private static final HttpHeadersFactory VALIDATED_BY_THE_H2_DECODER =
      DefaultHttpHeadersFactory.headersFactory()
          .withNameValidation(false)
          .withValueValidation(false);

  private final ProxyConfig config;
  private ChannelHandlerContext ctx;
  private Upstream upstream;

  /** Streams whose request body is still arriving. */
  private final IntObjectMap<FullHttpRequest> gathering = new IntObjectHashMap<>(4);

  Http2ProxyHandler(ProxyConfig config) {
    this.config = config;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.upstream = config.upstreams().apply(ctx.channel().eventLoop());
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Http2HeadersFrame headers) {
      onHeaders(headers);
    } else if (msg instanceof Http2DataFrame data) {
      onData(data);
    } else if (msg instanceof Http2ResetFrame reset) {
      FullHttpRequest partial = gathering.remove(reset.stream().id());
      if (partial != null) {
        partial.release();
      }
    } else {
      ctx.fireChannelRead(msg);
    }
  }

  private void onHeaders(Http2HeadersFrame frame) {
    Http2FrameStream stream = frame.stream();
    FullHttpRequest pending = gathering.get(stream.id());
    if (pending != null) {
      // trailers: ignored, but they end the request
      if (frame.isEndStream()) {
        gathering.remove(stream.id());
        dispatch(stream, pending);
      }
      return;
    }
    Http2Headers h = frame.headers();
    CharSequence method = h.method();
    CharSequence path = h.path();
    if (method == null || path == null) {
      respond(
          stream,
          LocalResponses.text(HttpResponseStatus.BAD_REQUEST, "missing :method or :path\n"));
      return;
    }
    ByteBuf content = frame.isEndStream() ? Unpooled.EMPTY_BUFFER : ctx.alloc().compositeBuffer();
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1,
            HttpMethod.valueOf(method.toString()),
            path.toString(),
            content,
            VALIDATED_BY_THE_H2_DECODER,
            VALIDATED_BY_THE_H2_DECODER);
    HttpHeaders out = request.headers();
    for (Map.Entry<CharSequence, CharSequence> e : h) {
      CharSequence name = e.getKey();
      if (name.length() > 0 && name.charAt(0) != ':') {
        out.add(name, e.getValue());
      }
    }
    CharSequence authority = h.authority();
    if (authority != null && !out.contains(HttpHeaderNames.HOST)) {
      out.set(HttpHeaderNames.HOST, authority);
    }
    if (frame.isEndStream()) {
      dispatch(stream, request);
    } else {
      gathering.put(stream.id(), request);
    }
  }

  private void onData(Http2DataFrame data) {
    Http2FrameStream stream = data.stream();
    try {
      int credit = data.initialFlowControlledBytes();
      if (credit > 0) {
        ctx.write(new DefaultHttp2WindowUpdateFrame(credit).stream(stream));
      }
      FullHttpRequest request = gathering.get(stream.id());
      if (request == null) {
        return; // reset or answered already
      }
      if (request.content().readableBytes() + data.content().readableBytes()
          > ProxyServerInitializer.MAX_CONTENT) {
        gathering.remove(stream.id());
        request.release();
        respond(
            stream,
            LocalResponses.text(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "body too large\n"));
        return;
      }
      ((CompositeByteBuf) request.content()).addComponent(true, data.content().retain());
      if (data.isEndStream()) {
        gathering.remove(stream.id());
        request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, request.content().readableBytes());
        dispatch(stream, request);
      }
    } finally {
      data.release();
    }
  }

  private void dispatch(Http2FrameStream stream, FullHttpRequest request) {
    if (ReadinessCheck.isReadinessRequest(request)) {
      ReadinessCheck.answer(request, config, upstream, r -> respond(stream, r));
    } else {
      upstream.send(request, r -> respond(stream, r));
    }
  }

  private void respond(Http2FrameStream stream, FullHttpResponse response) {
    try {
      if (!ctx.channel().isActive() || stream.state() == Http2Stream.State.CLOSED) {
        return; // the client reset the stream, or the connection is gone
      }
      HopByHopHeaders.strip(response.headers());
      Http2Headers headers = new DefaultHttp2Headers(false, response.headers().size() + 2);
      headers.status(response.status().codeAsText());
      for (Iterator<Map.Entry<CharSequence, CharSequence>> it =
              response.headers().iteratorCharSequence();
          it.hasNext(); ) {
        Map.Entry<CharSequence, CharSequence> e = it.next();
        headers.add(AsciiString.of(e.getKey()).toLowerCase(), e.getValue());
      }
      headers.set(SampleProxyHeaders.VERSION, config.version());
      ByteBuf body = response.content();
      boolean empty = !body.isReadable();
      ctx.write(new DefaultHttp2HeadersFrame(headers, empty).stream(stream));
      if (!empty) {
        ctx.write(new DefaultHttp2DataFrame(body.retain(), true).stream(stream));
      }
      ctx.flush();
    } finally {
      response.release();
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseGathering();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseGathering();
    ctx.fireChannelInactive();
  }

  private void releaseGathering() {
    for (FullHttpRequest r : gathering.values()) {
      r.release();
    }
    gathering.clear();
  }
}
