package io.sidecarset.webhook;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.sidecarset.webhook.metrics.WebhookMetrics;
import io.sidecarset.webhook.tls.ReloadableSslContext;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of one connection: TLS (the certificate current at accept time) → HTTP/1.1 codec → a
 * body limit → {@link WebhookServerHandler}. Connections idle for {@link #IDLE_SECONDS} are closed
 * (the apiserver's client keeps idle connections for 90 s).
 */
public final class WebhookServerInitializer extends ChannelInitializer<SocketChannel> {

  static final int IDLE_SECONDS = 180;
  private static final int MAX_HEADER_BYTES = 16 * 1024;

  private final ReloadableSslContext ssl;
  private final WebhookServerHandler handler;
  private final WebhookMetrics metrics;
  private final int maxRequestBytes;

  public WebhookServerInitializer(
      ReloadableSslContext ssl,
      WebhookServerHandler handler,
      WebhookMetrics metrics,
      int maxRequestBytes) {
    this.ssl = ssl;
    this.handler = handler;
    this.metrics = metrics;
    this.maxRequestBytes = maxRequestBytes;
  }

  @Override
  protected void initChannel(SocketChannel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast("tls", ssl.newHandler(channel.alloc()));
    pipeline.addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS));
    pipeline.addLast("idle-close", new IdleConnectionCloser());
    addHttpHandlers(pipeline, handler, metrics, maxRequestBytes);
  }

  /** The plaintext half of the pipeline, after TLS (tests drive it without TLS). */
  static void addHttpHandlers(
      ChannelPipeline pipeline,
      WebhookServerHandler handler,
      WebhookMetrics metrics,
      int maxRequestBytes) {
    pipeline.addLast("http", new HttpServerCodec(4096, MAX_HEADER_BYTES, 8192));
    pipeline.addLast("aggregate", new BoundedRequestAggregator(maxRequestBytes, handler, metrics));
    pipeline.addLast("webhook", handler);
  }

  /**
   * Answers a too-large body with 413 and the limit, then closes once the rest of the body has
   * arrived (discarded unread), or after {@link #REJECTED_BODY_GRACE_MILLIS}. Closing while the
   * client is still sending would make the kernel reset the connection, and a reset destroys the
   * 413 the client has not read yet.
   */
  static final class BoundedRequestAggregator extends HttpObjectAggregator {
    static final long REJECTED_BODY_GRACE_MILLIS = 5_000;

    private final WebhookServerHandler handler;
    private final WebhookMetrics metrics;

    /** The 413's write while the rejected body is still arriving; null otherwise. */
    private ChannelFuture rejection;

    BoundedRequestAggregator(
        int maxContentLength, WebhookServerHandler handler, WebhookMetrics metrics) {
      super(maxContentLength);
      this.handler = handler;
      this.metrics = metrics;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
      String endpoint =
          oversized instanceof HttpRequest request
              ? handler.endpointTag(new QueryStringDecoder(request.uri()).path())
              : WebhookServerHandler.OTHER_ENDPOINT;
      FullHttpResponse response =
          WebhookServerHandler.text(
              HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
              "request body exceeds " + maxContentLength() + " bytes");
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      metrics.request(endpoint, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE.code(), 0);
      ChannelFuture written = ctx.writeAndFlush(response);
      if (oversized instanceof LastHttpContent) {
        written.addListener(ChannelFutureListener.CLOSE); // nothing more is coming
        return;
      }
      rejection = written;
      ctx.executor()
          .schedule(this::closeAfterRejection, REJECTED_BODY_GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      boolean endOfRejectedBody = rejection != null && msg instanceof LastHttpContent;
      super.channelRead(ctx, msg); // discards the content of a rejected body
      if (endOfRejectedBody) {
        closeAfterRejection();
      }
    }

    private void closeAfterRejection() {
      if (rejection != null) {
        rejection.addListener(ChannelFutureListener.CLOSE);
        rejection = null;
      }
    }
  }

  /** Closes a connection that has been idle for {@link #IDLE_SECONDS}. */
  static final class IdleConnectionCloser extends io.netty.channel.ChannelDuplexHandler {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof IdleStateEvent) {
        ctx.close();
      } else {
        super.userEventTriggered(ctx, event);
      }
    }
  }
}
