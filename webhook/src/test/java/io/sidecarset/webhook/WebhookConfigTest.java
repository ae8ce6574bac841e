package io.sidecarset.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookConfigTest {

  @Test
  void from_whenNothingSet_usesDefaultsAndServiceNames() {
    WebhookConfig config = WebhookConfig.from(Map.of("POD_NAMESPACE", "platform"));

    assertThat(config.port()).isEqualTo(9443);
    assertThat(config.namespace()).isEqualTo("platform");
    assertThat(config.secretName()).isEqualTo("sidecarset-webhook-cert");
    assertThat(config.certDir()).isEmpty();
    assertThat(config.mountedCertificates()).isFalse();
    assertThat(config.certRenewBefore()).isEqualTo(Duration.ofDays(30));
    assertThat(config.maxRequestBytes()).isEqualTo(3 * 1024 * 1024);
    assertThat(config.servingNames())
        .containsExactly(
            "sidecarset-webhook",
            "sidecarset-webhook.platform",
            "sidecarset-webhook.platform.svc",
            "sidecarset-webhook.platform.svc.cluster.local",
            "localhost",
            "127.0.0.1");
  }

  @Test
  void from_whenEnvAndFlagsBothSet_flagsWin() {
    WebhookConfig config =
        WebhookConfig.from(
            Map.of(
                "SIDECARSET_WEBHOOK_PORT", "8443",
                "SIDECARSET_WEBHOOK_NAMESPACE", "a",
                "SIDECARSET_WEBHOOK_CERT_DIR", "/certs"),
            "--port=10443",
            "--cert-check-interval=1h30m",
            "--cert-hosts=127.0.0.1, webhook.example");

    assertThat(config.port()).isEqualTo(10443);
    assertThat(config.namespace()).isEqualTo("a");
    assertThat(config.certDir()).contains(Path.of("/certs"));
    assertThat(config.mountedCertificates()).isTrue();
    assertThat(config.certCheckInterval()).isEqualTo(Duration.ofMinutes(90));
    assertThat(config.servingNames()).containsExactly("127.0.0.1", "webhook.example", "localhost");
  }

  @Test
  void from_whenFlagUnknownOrValueBad_failsWithTheName() {
    assertThatThrownBy(() -> WebhookConfig.from(Map.of(), "--prot=1"))
        .hasMessageContaining("unknown flag --prot");
    assertThatThrownBy(() -> WebhookConfig.from(Map.of(), "port=1"))
        .hasMessageContaining("expected --flag=value");
    assertThatThrownBy(() -> WebhookConfig.from(Map.of("SIDECARSET_WEBHOOK_PORT", "x")))
        .hasMessageContaining("SIDECARSET_WEBHOOK_PORT");
    assertThatThrownBy(() -> WebhookConfig.from(Map.of(), "--cert-renew-before=10y"))
        .hasMessageContaining("--cert-renew-before");
  }

  @Test
  void parseDuration_readsGoAndIsoForms() {
    assertThat(WebhookConfig.parseDuration("720h")).isEqualTo(Duration.ofDays(30));
    assertThat(WebhookConfig.parseDuration("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(WebhookConfig.parseDuration("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(WebhookConfig.parseDuration("PT2H")).isEqualTo(Duration.ofHours(2));
  }
}
