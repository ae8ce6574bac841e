package io.sidecarset.webhook.tls;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.sidecarset.api.SidecarSetLabels;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Maps the webhook's certificates to and from its Secret, a {@code kubernetes.io/tls} Secret with
 * the usual {@code tls.crt}/{@code tls.key} plus {@code ca.crt} (the CA bundle, as cert-manager
 * writes it) and {@code ca.key}, so the CA can sign the next serving certificate.
 */
public final class CertificateSecretCodec {

  public static final String TLS_CERT = "tls.crt";
  public static final String TLS_KEY = "tls.key";
  public static final String CA_CERT = "ca.crt";
  public static final String CA_KEY = "ca.key";
  public static final String SECRET_TYPE = "kubernetes.io/tls";

  static final String APP_NAME = "sidecarset";
  static final String COMPONENT = "webhook";

  private CertificateSecretCodec() {}

  /** The certificates in the Secret; empty when a key is missing or anything fails to parse. */
  public static Optional<ManagedCertificates> decode(Secret secret) {
    Map<String, String> data = secret == null ? null : secret.getData();
    if (data == null) {
      return Optional.empty();
    }
    try {
      List<X509Certificate> caCertificates = PemCodec.certificates(text(data, CA_CERT));
      PrivateKey caKey = PemCodec.privateKey(text(data, CA_KEY));
      List<X509Certificate> chain = PemCodec.certificates(text(data, TLS_CERT));
      PrivateKey servingKey = PemCodec.privateKey(text(data, TLS_KEY));
      if (caCertificates.isEmpty() || chain.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          new ManagedCertificates(
              new CertificateAuthority(caCertificates, caKey),
              new ServingCertificate(chain, servingKey)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** The Secret's data for these certificates (base64, as the API wants it). */
  public static Map<String, String> data(ManagedCertificates certificates) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(CA_CERT, base64(PemCodec.encodeCertificates(certificates.authority().certificates())));
    data.put(CA_KEY, base64(PemCodec.encodePrivateKey(certificates.authority().key())));
    data.put(TLS_CERT, base64(PemCodec.encodeCertificates(certificates.serving().chain())));
    data.put(TLS_KEY, base64(PemCodec.encodePrivateKey(certificates.serving().key())));
    return data;
  }

  /** A new Secret holding the certificates. */
  public static Secret newSecret(String namespace, String name, ManagedCertificates certificates) {
    return new SecretBuilder()
        .withNewMetadata()
        .withNamespace(namespace)
        .withName(name)
        .addToLabels(SidecarSetLabels.APP_NAME, APP_NAME)
        .addToLabels(SidecarSetLabels.APP_COMPONENT, COMPONENT)
        .endMetadata()
        .withType(SECRET_TYPE)
        .withData(data(certificates))
        .build();
  }

  /** The CA bundle in PEM, as it goes into a webhook configuration's {@code caBundle}. */
  public static String caBundlePem(ManagedCertificates certificates) {
    return PemCodec.encodeCertificates(certificates.authority().certificates());
  }

  private static String text(Map<String, String> data, String key) {
    String value = data.get(key);
    if (value == null) {
      throw new IllegalArgumentException("missing " + key);
    }
    return new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
  }

  private static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
