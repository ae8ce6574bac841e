package io.sidecarset.webhook;

import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.sidecarset.webhook.admission.AdmissionHandler;
import io.sidecarset.webhook.admission.AdmissionReviewCodec;
import io.sidecarset.webhook.admission.BadAdmissionRequestException;
import io.sidecarset.webhook.metrics.WebhookMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes one HTTP request: admission endpoints (POST, AdmissionReview JSON), probes and metrics
 * (GET). Anything it cannot serve gets a 4xx with the reason in a text body, and the connection
 * stays usable. Admission work runs here on the event loop: it reads only memory and takes
 * microseconds, so handing it to another thread would cost more than it saves.
 */
@ChannelHandler.Sharable
public final class WebhookServerHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

  public static final String HEALTHZ = "/healthz";
  public static final String READYZ = "/readyz";
  public static final String METRICS = "/metrics";
  static final String OTHER_ENDPOINT = "other";

  private static final Logger LOG = LoggerFactory.getLogger(WebhookServerHandler.class);
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String JSON = "application/json";

  private final Map<String, AdmissionHandler> admissionEndpoints;
  private final Readiness readiness;
  private final Readiness probeReadiness;
  private final WebhookMetrics metrics;

  /**
   * @param admissionEndpoints path to handler, e.g. {@code /mutate-pod}
   * @param readiness admission endpoints answer 503 until it says ready
   * @param probeReadiness what {@code /readyz} reports: may say "not ready" while admissions are
   *     still served (e.g. during the shutdown delay, so endpoints drop the pod first)
   */
  public WebhookServerHandler(
      Map<String, AdmissionHandler> admissionEndpoints,
      Readiness readiness,
      Readiness probeReadiness,
      WebhookMetrics metrics) {
    this.admissionEndpoints = Map.copyOf(admissionEndpoints);
    this.readiness = readiness;
    this.probeReadiness = probeReadiness;
    this.metrics = metrics;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    long start = System.nanoTime();
    if (request.decoderResult().isFailure()) {
      respond(
          ctx,
          request,
          OTHER_ENDPOINT,
          start,
          text(
              HttpResponseStatus.BAD_REQUEST,
              "malformed HTTP request: " + request.decoderResult().cause()),
          true);
      return;
    }
    String path = new QueryStringDecoder(request.uri()).path();
    AdmissionHandler admission = admissionEndpoints.get(path);
    if (admission != null) {
      if (!HttpMethod.POST.equals(request.method())) {
        respond(ctx, request, path, start, methodNotAllowed(HttpMethod.POST), false);
        return;
      }
      respond(ctx, request, path, start, admit(admission, path, request), false);
      return;
    }
    switch (path) {
      case HEALTHZ, READYZ, METRICS -> {
        if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
          respond(ctx, request, path, start, methodNotAllowed(HttpMethod.GET), false);
          return;
        }
        respond(ctx, request, path, start, probe(path), false);
      }
      default ->
          respond(
              ctx,
              request,
              OTHER_ENDPOINT,
              start,
              text(HttpResponseStatus.NOT_FOUND, "no endpoint " + path),
              false);
    }
  }

  /** The metrics tag for a path: the endpoint itself if it is one, else {@code other}. */
  String endpointTag(String path) {
    return admissionEndpoints.containsKey(path)
            || HEALTHZ.equals(path)
            || READYZ.equals(path)
            || METRICS.equals(path)
        ? path
        : OTHER_ENDPOINT;
  }

  private FullHttpResponse admit(AdmissionHandler admission, String path, FullHttpRequest request) {
    Optional<String> notReady = readiness.notReadyReason();
    if (notReady.isPresent()) {
      // better to fail the admission (failurePolicy decides) than to admit a pod uninjected
      return text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready: " + notReady.get());
    }
    try {
      AdmissionRequest admissionRequest =
          AdmissionReviewCodec.decode(new ByteBufInputStream(request.content()));
      AdmissionResponse response = admission.handle(admissionRequest);
      if (Boolean.FALSE.equals(response.getAllowed()) && response.getStatus() != null) {
        metrics.denial(path, String.valueOf(response.getStatus().getReason()));
      }
      FullHttpResponse http =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              HttpResponseStatus.OK,
              Unpooled.wrappedBuffer(AdmissionReviewCodec.encode(response)));
      http.headers().set(HttpHeaderNames.CONTENT_TYPE, JSON);
      return http;
    } catch (BadAdmissionRequestException e) {
      return text(HttpResponseStatus.valueOf(e.httpStatus()), e.getMessage());
    } catch (RuntimeException e) {
      LOG.error("admission request failed", e);
      return text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error: " + e);
    }
  }

  private FullHttpResponse probe(String path) {
    return switch (path) {
      case HEALTHZ -> text(HttpResponseStatus.OK, "ok");
      case READYZ ->
          probeReadiness
              .notReadyReason()
              .map(reason -> text(HttpResponseStatus.SERVICE_UNAVAILABLE, "not ready: " + reason))
              .orElseGet(() -> text(HttpResponseStatus.OK, "ok"));
      default -> {
        FullHttpResponse metricsResponse = text(HttpResponseStatus.OK, metrics.scrape());
        metricsResponse.headers().set(HttpHeaderNames.CONTENT_TYPE, WebhookMetrics.contentType());
        yield metricsResponse;
      }
    };
  }

  private static FullHttpResponse methodNotAllowed(HttpMethod allowed) {
    FullHttpResponse response =
        text(HttpResponseStatus.METHOD_NOT_ALLOWED, "use " + allowed.name());
    response.headers().set(HttpHeaderNames.ALLOW, allowed.name());
    return response;
  }

  static FullHttpResponse text(HttpResponseStatus status, String body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            Unpooled.copiedBuffer(body + "\n", StandardCharsets.UTF_8));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, TEXT);
    return response;
  }

  private void respond(
      ChannelHandlerContext ctx,
      FullHttpRequest request,
      String endpoint,
      long startNanos,
      FullHttpResponse response,
      boolean close) {
    boolean keepAlive = !close && HttpUtil.isKeepAlive(request);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    if (!keepAlive) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!request.protocolVersion().isKeepAliveDefault()) {
      response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
    if (HttpMethod.HEAD.equals(request.method())) {
      response.content().clear();
    }
    var future = ctx.writeAndFlush(response);
    if (!keepAlive) {
      future.addListener(ChannelFutureListener.CLOSE);
    }
    metrics.request(endpoint, response.status().code(), System.nanoTime() - startNanos);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // TLS handshake failures (a client that does not trust us) and resets land here: not ours to
    // fix
    LOG.debug("closing connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }
}
