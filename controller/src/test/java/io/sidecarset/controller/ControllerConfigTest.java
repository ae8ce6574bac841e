package io.sidecarset.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sidecarset.api.ControllerEnv;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ControllerConfigTest {

  @Test
  void defaults() {
    ControllerConfig config = ControllerConfig.fromEnv(Map.of("HOSTNAME", "ctrl-0"));

    assertThat(config.leaderElection()).isTrue();
    assertThat(config.leaseName()).isEqualTo("sidecarset-controller");
    assertThat(config.leaseNamespace()).isEmpty();
    assertThat(config.identity()).isEqualTo("ctrl-0");
    assertThat(config.exitOnLostLeadership()).isTrue();
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.patchParallelism()).isEqualTo(16);
  }

  @Test
  void fromTheEnvironment() {
    ControllerConfig config =
        ControllerConfig.fromEnv(
            Map.of(
                ControllerEnv.POD_NAME, "ctrl-1",
                ControllerEnv.POD_NAMESPACE, "sidecarset-system",
                ControllerEnv.LEADER_ELECTION, "false",
                ControllerEnv.LEASE_NAME, "scs",
                ControllerEnv.HTTP_PORT, "9090",
                ControllerEnv.PATCH_PARALLELISM, "4"));

    assertThat(config.leaderElection()).isFalse();
    assertThat(config.leaseName()).isEqualTo("scs");
    assertThat(config.leaseNamespace()).contains("sidecarset-system");
    assertThat(config.identity()).isEqualTo("ctrl-1");
    assertThat(config.httpPort()).isEqualTo(9090);
    assertThat(config.patchParallelism()).isEqualTo(4);
  }

  @Test
  void anExplicitLeaseNamespaceWinsOverThePods() {
    ControllerConfig config =
        ControllerConfig.fromEnv(
            Map.of(ControllerEnv.POD_NAMESPACE, "a", ControllerEnv.LEASE_NAMESPACE, "b"));

    assertThat(config.leaseNamespace()).contains("b");
  }

  @Test
  void aPortThatIsNotANumberIsRefusedWithItsName() {
    assertThatThrownBy(() -> ControllerConfig.fromEnv(Map.of(ControllerEnv.HTTP_PORT, "http")))
        .hasMessageContaining(ControllerEnv.HTTP_PORT);
  }
}
