package io.sidecarset.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.StatusCauseBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

class PodStepsTest {

  static KubernetesClientException error(int code, boolean causes) {
    var status =
        new StatusBuilder().withCode(code).withReason(code == 422 ? "Invalid" : "Conflict");
    if (causes) {
      status
          .withNewDetails()
          .withCauses(new StatusCauseBuilder().withField("spec.containers[0].image").build())
          .endDetails();
    }
    return new KubernetesClientException(status.build());
  }

  @Test
  void aFailedResourceVersionTestIsAConflict_aValidationErrorIsAFailure() {
    assertThat(PodSteps.classify(error(422, false))).isEqualTo(PodSteps.CONFLICT);
    assertThat(PodSteps.classify(error(409, false))).isEqualTo(PodSteps.CONFLICT);
    assertThat(PodSteps.classify(error(422, true))).isEqualTo(PodSteps.FAILED);
    assertThat(PodSteps.classify(error(404, false))).isEqualTo(PodSteps.GONE);
    assertThat(PodSteps.classify(error(500, false))).isEqualTo(PodSteps.FAILED);
  }
}
