package io.sidecarset.proxy;

import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * The local application as seen from one event loop. Implementations are confined to that loop:
 * call them only from it, and they call back only on it.
 */
public interface Upstream {

  /**
   * Sends {@code request} (ownership passes to the upstream) and calls {@code onResponse} exactly
   * once with the response, which the callee then owns: the application's, or one made here (502
   * when the application cannot be reached, 504 when it does not answer in time).
   */
  void send(FullHttpRequest request, Consumer<FullHttpResponse> onResponse);

  /** Completes with whether the application accepts a connection now (readiness). */
  Future<Boolean> probe();
}
