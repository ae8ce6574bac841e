package io.sidecarset.webhook.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CertificateSecretCodecTest {

  private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
  private final CertificateIssuer issuer = new CertificateIssuer();

  private ManagedCertificates certificates() {
    CertificateAuthority ca = issuer.newAuthority("test-ca", NOW);
    return new ManagedCertificates(
        ca, issuer.issueServing(ca, List.of("svc.ns.svc", "127.0.0.1"), NOW));
  }

  @Test
  void newSecret_thenDecode_roundTripsCertificatesAndKeys() {
    ManagedCertificates original = certificates();

    Secret secret = CertificateSecretCodec.newSecret("ns", "cert", original);
    ManagedCertificates decoded = CertificateSecretCodec.decode(secret).orElseThrow();

    assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(secret.getData()).containsOnlyKeys("tls.crt", "tls.key", "ca.crt", "ca.key");
    assertThat(decoded.authority().certificates()).isEqualTo(original.authority().certificates());
    assertThat(decoded.serving().chain()).isEqualTo(original.serving().chain());
    assertThat(decoded.serving().key().getEncoded())
        .isEqualTo(original.serving().key().getEncoded());
    assertThat(decoded.authority().key().getEncoded())
        .isEqualTo(original.authority().key().getEncoded());
    assertThat(decoded.serving().keyMatchesLeaf()).isTrue();
  }

  @Test
  void decode_whenKeyMissingOrGarbled_isEmpty() {
    Secret valid = CertificateSecretCodec.newSecret("ns", "cert", certificates());
    Secret missingKey = new SecretBuilder(valid).removeFromData("ca.key").build();
    Secret garbled =
        new SecretBuilder(valid)
            .addToData("tls.crt", Base64.getEncoder().encodeToString("garbage".getBytes()))
            .build();
    Secret notBase64 = new SecretBuilder(valid).addToData("tls.key", "%%%").build();

    assertThat(CertificateSecretCodec.decode(missingKey)).isEmpty();
    assertThat(CertificateSecretCodec.decode(garbled)).isEmpty();
    assertThat(CertificateSecretCodec.decode(notBase64)).isEmpty();
    assertThat(CertificateSecretCodec.decode(new SecretBuilder().withData(Map.of()).build()))
        .isEmpty();
    assertThat(CertificateSecretCodec.decode(null)).isEmpty();
  }

  @Test
  void issueServing_putsDnsNamesAndIpsIntoSubjectAltNames() {
    ManagedCertificates certificates = certificates();

    assertThat(CertificateRenewalPolicy.subjectAltNames(certificates.serving().leaf()))
        .containsExactlyInAnyOrder("svc.ns.svc", "127.0.0.1");
    assertThat(certificates.authority().current().getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(certificates.serving().leaf().getBasicConstraints()).isEqualTo(-1);
  }
}
