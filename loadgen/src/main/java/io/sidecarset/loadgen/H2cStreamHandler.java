package io.sidecarset.loadgen;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;

/** Reads the response of one h2c stream and finishes its {@link RequestAttempt}. */
final class H2cStreamHandler extends ChannelInboundHandlerAdapter {
  private final RequestAttempt attempt;
  private final H2cConnection connection;
  private int status = -1;

  H2cStreamHandler(RequestAttempt attempt, H2cConnection connection) {
    this.attempt = attempt;
    this.connection = connection;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof Http2HeadersFrame headers) {
        if (status < 0 && headers.headers().status() != null) {
          int code = Integer.parseInt(headers.headers().status().toString());
          if (HttpStatusClass.valueOf(code) != HttpStatusClass.INFORMATIONAL) {
            status = code;
          }
        }
        if (headers.isEndStream()) {
          complete();
        }
      } else if (msg instanceof Http2DataFrame data && data.isEndStream()) {
        complete();
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  private void complete() {
    if (status < 0) {
      attempt.finish(Outcome.OTHER, "h2 stream ended without a final :status");
      return;
    }
    Outcome outcome = OutcomeClassifier.ofStatus(status);
    attempt.finish(outcome, outcome == Outcome.OK ? null : "HTTP " + status);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof Http2ResetFrame reset) {
      attempt.finish(Outcome.RESET, "RST_STREAM " + errorName(reset.errorCode()));
    } else if (evt instanceof Http2GoAwayFrame goAway) {
      attempt.finish(
          Outcome.GOAWAY_REFUSED, "GOAWAY " + errorName(goAway.errorCode()) + " below this stream");
    }
    ReferenceCountUtil.release(evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (!attempt.isFinished()) {
      int streamId = ((Http2StreamChannel) ctx.channel()).stream().id();
      if (streamId > 0 && connection.refusedByGoAway(streamId)) {
        attempt.finish(Outcome.GOAWAY_REFUSED, "GOAWAY below this stream");
      } else {
        attempt.finish(Outcome.EOF, "h2 stream closed before the response was complete");
      }
    }
    connection.streamClosed();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    attempt.fail(cause);
    ctx.close();
  }

  private static String errorName(long code) {
    Http2Error error = Http2Error.valueOf(code);
    return error == null ? "error " + code : error.name();
  }
}
