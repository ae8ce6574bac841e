package io.sidecarset.webhook.admission;

import static io.sidecarset.webhook.WebhookFixtures.pod;
import static io.sidecarset.webhook.WebhookFixtures.podRequest;
import static io.sidecarset.webhook.WebhookFixtures.reviewBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AdmissionReviewCodecTest {

  private static AdmissionRequest decode(String body) throws BadAdmissionRequestException {
    return AdmissionReviewCodec.decode(
        new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void decode_whenAdmissionReviewV1_readsRequestAndPod() throws Exception {
    byte[] body = reviewBody(podRequest("abc", "CREATE", "shop", pod("web")));

    AdmissionRequest request = AdmissionReviewCodec.decode(new ByteArrayInputStream(body));

    assertThat(request.getUid()).isEqualTo("abc");
    assertThat(request.getOperation()).isEqualTo("CREATE");
    assertThat(request.getNamespace()).isEqualTo("shop");
    Pod pod = AdmissionReviewCodec.objectAs(request.getObject(), Pod.class, "object");
    assertThat(pod.getMetadata().getLabels()).containsEntry("app", "web");
    assertThat(pod.getSpec().getContainers()).hasSize(1);
  }

  static Stream<Arguments> badBodies() {
    return Stream.of(
        Arguments.of("not JSON", "{\"apiVersion\": ", "body is not JSON"),
        Arguments.of("plain text", "hello", "body is not JSON"),
        Arguments.of("empty body", "", "body is empty"),
        Arguments.of("a JSON array", "[1,2]", "body is not a JSON object"),
        Arguments.of(
            "another kind",
            "{\"apiVersion\":\"v1\",\"kind\":\"Pod\"}",
            "expected apiVersion admission.k8s.io/v1 kind AdmissionReview, got apiVersion 'v1' kind 'Pod'"),
        Arguments.of(
            "AdmissionReview v1beta1",
            "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"x\"}}",
            "got apiVersion 'admission.k8s.io/v1beta1'"),
        Arguments.of(
            "no request",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}",
            "AdmissionReview has no request"),
        Arguments.of(
            "no uid",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"operation\":\"CREATE\"}}",
            "AdmissionReview request has no uid"),
        Arguments.of(
            "request of the wrong shape",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":[1]}",
            "malformed AdmissionReview"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBodies")
  void decode_whenBodyIsNotAnAdmissionReview_throwsBadRequestWithReason(
      String scenario, String body, String reason) {
    assertThatThrownBy(() -> decode(body))
        .isInstanceOf(BadAdmissionRequestException.class)
        .hasMessageContaining(reason)
        .satisfies(e -> assertThat(((BadAdmissionRequestException) e).httpStatus()).isEqualTo(400));
  }

  @Test
  void encode_wrapsResponseInAdmissionReviewV1() throws Exception {
    byte[] json = AdmissionReviewCodec.encode(AdmissionResponses.allow("abc", List.of("careful")));

    JsonNode tree = Serialization.jsonMapper().readTree(json);
    assertThat(tree.path("apiVersion").asText()).isEqualTo("admission.k8s.io/v1");
    assertThat(tree.path("kind").asText()).isEqualTo("AdmissionReview");
    assertThat(tree.path("response").path("uid").asText()).isEqualTo("abc");
    assertThat(tree.path("response").path("allowed").asBoolean()).isTrue();
    assertThat(tree.path("response").path("warnings").get(0).asText()).isEqualTo("careful");
    assertThat(tree.has("request")).isFalse();
  }
}
