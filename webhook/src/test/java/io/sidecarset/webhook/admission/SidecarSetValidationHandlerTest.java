package io.sidecarset.webhook.admission;

import static io.sidecarset.webhook.WebhookFixtures.coldSet;
import static io.sidecarset.webhook.WebhookFixtures.hotUpgradeSet;
import static io.sidecarset.webhook.WebhookFixtures.sidecarSetRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.GroupVersionResource;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionRequest;
import io.fabric8.kubernetes.api.model.admission.v1.AdmissionResponse;
import io.sidecarset.api.v1alpha1.SidecarContainerUpgradeStrategy;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.core.validate.SidecarSetValidator;
import io.sidecarset.webhook.cluster.InMemoryClusterCache;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SidecarSetValidationHandlerTest {

  private static SidecarSetValidationHandler handler(List<SidecarSet> existing) {
    return new SidecarSetValidationHandler(
        InMemoryClusterCache.of(existing, Map.of()), new SidecarSetValidator());
  }

  /** No selector, and a HotUpgrade sidecar without its empty image: two errors at once. */
  private static SidecarSet invalidSet() {
    SidecarSet set = hotUpgradeSet("broken", "web");
    set.getSpec().setSelector(null);
    set.getSpec()
        .getContainers()
        .get(0)
        .setUpgradeStrategy(
            new SidecarContainerUpgradeStrategy(SidecarContainerUpgradeStrategy.HOT_UPGRADE, null));
    return set;
  }

  @Test
  void handle_whenSetIsValid_allows() throws Exception {
    AdmissionResponse response =
        handler(List.of())
            .handle(sidecarSetRequest("u1", "CREATE", hotUpgradeSet("mesh", "web"), null));

    assertThat(response.getUid()).isEqualTo("u1");
    assertThat(response.getAllowed()).isTrue();
    assertThat(response.getStatus()).isNull();
  }

  @Test
  void handle_whenSetBreaksRules_deniesWithEveryFieldPath() throws Exception {
    AdmissionResponse response =
        handler(List.of()).handle(sidecarSetRequest("u2", "CREATE", invalidSet(), null));

    assertThat(response.getAllowed()).isFalse();
    assertThat(response.getStatus().getCode()).isEqualTo(422);
    assertThat(response.getStatus().getReason()).isEqualTo("Invalid");
    assertThat(response.getStatus().getMessage())
        .startsWith("SidecarSet.apps.sidecarset.io \"broken\" is invalid: [")
        .contains("spec.selector: ")
        .contains("spec.containers[0].upgradeStrategy.hotUpgradeEmptyImage: ");
    assertThat(response.getStatus().getDetails().getCauses())
        .extracting(StatusCause::getField)
        .contains("spec.selector", "spec.containers[0].upgradeStrategy.hotUpgradeEmptyImage");
  }

  @Test
  void handle_whenContainerNameClashesWithAnotherSet_denies() throws Exception {
    SidecarSet existing = coldSet("logs", "web");
    SidecarSet clash = coldSet("logs-copy", "web");
    clash.getSpec().getContainers().get(0).setName("logs-agent");

    AdmissionResponse response =
        handler(List.of(existing)).handle(sidecarSetRequest("u3", "CREATE", clash, null));

    assertThat(response.getAllowed()).isFalse();
    assertThat(response.getStatus().getMessage()).contains("spec.containers[0].name");
  }

  @Test
  void handle_whenUpdateChangesUpgradeType_denies() throws Exception {
    SidecarSet old = hotUpgradeSet("mesh", "web");
    SidecarSet updated = hotUpgradeSet("mesh", "web");
    updated
        .getSpec()
        .getContainers()
        .get(0)
        .setUpgradeStrategy(
            new SidecarContainerUpgradeStrategy(
                SidecarContainerUpgradeStrategy.COLD_UPGRADE, null));

    AdmissionResponse response =
        handler(List.of(old)).handle(sidecarSetRequest("u4", "UPDATE", updated, old));

    assertThat(response.getAllowed()).isFalse();
    assertThat(response.getStatus().getDetails().getCauses())
        .extracting(StatusCause::getField)
        .anyMatch(field -> field.startsWith("spec.containers[0].upgradeStrategy"));
  }

  @Test
  void handle_whenUpdateOfItselfIsUnchanged_allowsDespiteSameNamesInCache() throws Exception {
    SidecarSet set = hotUpgradeSet("mesh", "web");

    AdmissionResponse response =
        handler(List.of(set)).handle(sidecarSetRequest("u5", "UPDATE", set, set));

    assertThat(response.getAllowed()).isTrue();
  }

  @Test
  void handle_whenDelete_allows() throws Exception {
    AdmissionResponse response =
        handler(List.of()).handle(sidecarSetRequest("u6", "DELETE", invalidSet(), null));

    assertThat(response.getAllowed()).isTrue();
  }

  @Test
  void handle_whenResourceIsNotSidecarSets_throwsBadRequest() {
    AdmissionRequest request =
        sidecarSetRequest("u7", "CREATE", hotUpgradeSet("mesh", "web"), null);
    request.setResource(new GroupVersionResource("", "pods", "v1"));

    assertThatThrownBy(() -> handler(List.of()).handle(request))
        .isInstanceOf(BadAdmissionRequestException.class)
        .hasMessageContaining("core/v1/pods");
  }
}
