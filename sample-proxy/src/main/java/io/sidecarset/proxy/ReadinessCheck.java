package io.sidecarset.proxy;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.sidecarset.api.SampleProxyContract;
import java.util.function.Consumer;

/**
 * Answers {@link SampleProxyContract#READY_PATH} in the proxy itself: ready when this process
 * accepts on the listening socket, is not draining, and can open a connection to the upstream.
 */
final class ReadinessCheck {

  private ReadinessCheck() {}

  static boolean isReadinessRequest(FullHttpRequest r) {
    String uri = r.uri();
    return uri.startsWith(SampleProxyContract.READY_PATH)
        && (uri.length() == SampleProxyContract.READY_PATH.length()
            || uri.charAt(SampleProxyContract.READY_PATH.length()) == '?')
        && (r.method() == HttpMethod.GET || r.method() == HttpMethod.HEAD);
  }

  /** Consumes {@code request} and answers through {@code respond} (on the caller's loop). */
  static void answer(
      FullHttpRequest request,
      ProxyConfig config,
      Upstream upstream,
      Consumer<FullHttpResponse> respond) {
    request.release();
    if (!config.serving().getAsBoolean()) {
      respond.accept(
          LocalResponses.text(
              HttpResponseStatus.SERVICE_UNAVAILABLE, "not serving: handed over or starting\n"));
      return;
    }
    upstream
        .probe()
        .addListener(
            f -> {
              boolean up = f.isSuccess() && Boolean.TRUE.equals(f.getNow());
              respond.accept(
                  up
                      ? LocalResponses.text(HttpResponseStatus.OK, "ready\n")
                      : LocalResponses.text(
                          HttpResponseStatus.SERVICE_UNAVAILABLE, "upstream unreachable\n"));
            });
  }
}
