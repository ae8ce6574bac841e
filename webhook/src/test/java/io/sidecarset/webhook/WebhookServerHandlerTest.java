package io.sidecarset.webhook;

import static io.sidecarset.webhook.WebhookFixtures.coldSet;
import static io.sidecarset.webhook.WebhookFixtures.pod;
import static io.sidecarset.webhook.WebhookFixtures.podRequest;
import static io.sidecarset.webhook.WebhookFixtures.reviewBody;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.sidecarset.core.inject.SidecarInjector;
import io.sidecarset.core.validate.SidecarSetValidator;
import io.sidecarset.webhook.admission.PodMutationHandler;
import io.sidecarset.webhook.admission.SidecarSetValidationHandler;
import io.sidecarset.webhook.cluster.InMemoryClusterCache;
import io.sidecarset.webhook.metrics.WebhookMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The HTTP half of the pipeline, on an EmbeddedChannel: raw request bytes in, responses out. */
class WebhookServerHandlerTest {

  private static final int MAX_BODY = 64 * 1024;

  private final WebhookMetrics metrics = new WebhookMetrics();
  private final AtomicReference<Optional<String>> notReady =
      new AtomicReference<>(Optional.empty());
  private final AtomicReference<Optional<String>> probeNotReady =
      new AtomicReference<>(Optional.empty());
  private final EmbeddedChannel channel = newChannel();
  private final EmbeddedChannel responses =
      new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20));

  private EmbeddedChannel newChannel() {
    InMemoryClusterCache cache =
        InMemoryClusterCache.of(List.of(coldSet("logs", "web")), Map.of("shop", Map.of()));
    WebhookServerHandler handler =
        new WebhookServerHandler(
            Map.of(
                PodMutationHandler.ENDPOINT,
                new PodMutationHandler(cache, new SidecarInjector(Clock.systemUTC()), metrics),
                SidecarSetValidationHandler.ENDPOINT,
                new SidecarSetValidationHandler(cache, new SidecarSetValidator())),
            notReady::get,
            () -> probeNotReady.get().or(notReady::get),
            metrics);
    EmbeddedChannel embedded = new EmbeddedChannel();
    WebhookServerInitializer.addHttpHandlers(embedded.pipeline(), handler, metrics, MAX_BODY);
    return embedded;
  }

  @AfterEach
  void release() {
    channel.finishAndReleaseAll();
    responses.finishAndReleaseAll();
    metrics.close();
  }

  private static String request(String method, String path, byte[] body) {
    return method
        + " "
        + path
        + " HTTP/1.1\r\nHost: webhook\r\nContent-Type: application/json\r\nContent-Length: "
        + body.length
        + "\r\n\r\n"
        + new String(body, StandardCharsets.UTF_8);
  }

  /** Sends raw bytes, returns every complete response written back. */
  private List<FullHttpResponse> exchange(String raw) {
    channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.UTF_8));
    for (ByteBuf out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
      responses.writeInbound(out);
    }
    List<FullHttpResponse> all = new ArrayList<>();
    for (FullHttpResponse r = responses.readInbound(); r != null; r = responses.readInbound()) {
      all.add(r);
    }
    return all;
  }

  private FullHttpResponse single(String raw) {
    List<FullHttpResponse> all = exchange(raw);
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  private static String body(FullHttpResponse response) {
    String text = response.content().toString(StandardCharsets.UTF_8);
    response.release();
    return text;
  }

  @Test
  void mutatePod_whenPodMatches_answersAdmissionReviewWithPatch() throws Exception {
    byte[] review = reviewBody(podRequest("uid-1", "CREATE", "shop", pod("web")));

    FullHttpResponse response = single(request("POST", "/mutate-pod?timeout=10s", review));

    assertThat(response.status().code()).isEqualTo(200);
    assertThat(response.headers().get("content-type")).isEqualTo("application/json");
    JsonNode json = Serialization.jsonMapper().readTree(body(response));
    assertThat(json.path("response").path("uid").asText()).isEqualTo("uid-1");
    assertThat(json.path("response").path("patchType").asText()).isEqualTo("JSONPatch");
    assertThat(channel.isOpen()).isTrue();
  }

  static Stream<Arguments> badRequests() {
    byte[] deployment =
        "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\",\"resource\":{\"group\":\"apps\",\"version\":\"v1\",\"resource\":\"deployments\"},\"object\":{}}}"
            .getBytes(StandardCharsets.UTF_8);
    return Stream.of(
        Arguments.of(
            "not JSON",
            request("POST", "/mutate-pod", "<xml/>".getBytes()),
            400,
            "body is not JSON"),
        Arguments.of(
            "not an AdmissionReview",
            request("POST", "/validate-sidecarset", "{\"kind\":\"Pod\"}".getBytes()),
            400,
            "expected apiVersion admission.k8s.io/v1 kind AdmissionReview"),
        Arguments.of(
            "a kind the endpoint does not handle",
            request("POST", "/mutate-pod", deployment),
            400,
            "/mutate-pod handles core/v1 pods, got resource apps/v1/deployments"),
        Arguments.of(
            "unknown path", request("GET", "/nope", new byte[0]), 404, "no endpoint /nope"),
        Arguments.of(
            "GET on an admission endpoint",
            request("GET", "/mutate-pod", new byte[0]),
            405,
            "use POST"),
        Arguments.of("POST on a probe", request("POST", "/healthz", new byte[0]), 405, "use GET"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequests")
  void badRequest_answers4xxWithReason_andConnectionStaysUsable(
      String scenario, String raw, int status, String reason) {
    FullHttpResponse response = single(raw);

    assertThat(response.status().code()).isEqualTo(status);
    assertThat(body(response)).contains(reason);
    assertThat(channel.isOpen()).isTrue();
    FullHttpResponse next = single(request("GET", "/healthz", new byte[0]));
    assertThat(next.status().code()).isEqualTo(200);
    next.release();
  }

  @Test
  void bodyOverLimit_answers413WithLimit_andClosesOnlyThisConnection() {
    byte[] huge = new byte[MAX_BODY + 1];
    java.util.Arrays.fill(huge, (byte) ' ');

    FullHttpResponse response = single(request("POST", "/mutate-pod", huge));

    assertThat(response.status().code()).isEqualTo(413);
    assertThat(body(response)).contains("request body exceeds " + MAX_BODY + " bytes");
    assertThat(channel.isOpen()).isFalse();
  }

  /** A request's head announcing a body of 3 × the limit, of which the caller sends parts. */
  private static String headOfABodyThreeTimesTheLimit() {
    return request("POST", "/mutate-pod", new byte[0])
        .replace("Content-Length: 0", "Content-Length: " + (3 * MAX_BODY));
  }

  @Test
  void bodyOverLimit_stillArriving_gets413AtOnce_andClosesOnlyAfterTheRestOfTheBody() {
    String part = " ".repeat(MAX_BODY);

    FullHttpResponse response = single(headOfABodyThreeTimesTheLimit() + part);
    assertThat(response.status().code()).isEqualTo(413);
    response.release();
    // closing now, under a client that is still sending, would reset the connection and lose the
    // 413 on its way
    assertThat(channel.isOpen()).isTrue();
    assertThat(exchange(part)).isEmpty();
    assertThat(channel.isOpen()).isTrue();

    assertThat(exchange(part)).isEmpty();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void bodyOverLimit_thatNeverEnds_isClosedAfterTheGracePeriod() {
    channel.freezeTime(); // only advanceTimeBy moves the clock

    single(headOfABodyThreeTimesTheLimit() + " ".repeat(MAX_BODY + 1)).release();
    assertThat(channel.isOpen()).as("right after the 413").isTrue();
    channel.advanceTimeBy(
        WebhookServerInitializer.BoundedRequestAggregator.REJECTED_BODY_GRACE_MILLIS - 1,
        TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isTrue();
    channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void malformedHttp_answers400AndCloses() {
    FullHttpResponse response =
        single("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");

    assertThat(response.status().code()).isEqualTo(400);
    response.release();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void readyz_whenNotReady_answers503AndAdmissionIsRefused() {
    notReady.set(Optional.of("caches not synced"));

    FullHttpResponse ready = single(request("GET", "/readyz", new byte[0]));
    FullHttpResponse admission =
        single(
            request(
                "POST", "/mutate-pod", reviewBody(podRequest("u", "CREATE", "shop", pod("web")))));

    assertThat(ready.status().code()).isEqualTo(503);
    assertThat(body(ready)).contains("caches not synced");
    assertThat(admission.status().code()).isEqualTo(503);
    admission.release();
  }

  @Test
  void readyz_whenShuttingDown_fails_whileAdmissionsAreStillAnswered() {
    probeNotReady.set(Optional.of("shutting down"));

    FullHttpResponse ready = single(request("GET", "/readyz", new byte[0]));
    FullHttpResponse admission =
        single(
            request(
                "POST", "/mutate-pod", reviewBody(podRequest("u", "CREATE", "shop", pod("web")))));

    assertThat(ready.status().code()).isEqualTo(503);
    assertThat(body(ready)).contains("shutting down");
    assertThat(admission.status().code()).isEqualTo(200);
    admission.release();
  }

  @Test
  void metrics_countRequestsByEndpointAndInjectionsBySet() {
    single(
            request(
                "POST", "/mutate-pod", reviewBody(podRequest("u", "CREATE", "shop", pod("web")))))
        .release();
    single(request("GET", "/nope", new byte[0])).release();

    FullHttpResponse response = single(request("GET", "/metrics", new byte[0]));

    assertThat(response.headers().get("content-type")).startsWith("text/plain");
    assertThat(body(response))
        .contains(
            "sidecarset_webhook_requests_seconds_count{code=\"200\",endpoint=\"/mutate-pod\"} 1")
        .contains("sidecarset_webhook_requests_seconds_count{code=\"404\",endpoint=\"other\"} 1")
        .contains("sidecarset_webhook_injections_total{dry_run=\"false\",sidecarset=\"logs\"} 1.0")
        .contains(
            "sidecarset_webhook_requests_seconds_bucket{code=\"200\",endpoint=\"/mutate-pod\",le=\"0.005\"}");
  }
}
