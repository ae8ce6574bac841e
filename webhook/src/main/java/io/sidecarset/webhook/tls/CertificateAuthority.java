package io.sidecarset.webhook.tls;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The webhook's own CA. {@code certificates} is what clients trust (the CA bundle): the current CA
 * first, then the previous one while a rotation is in progress, so that serving certificates of
 * either generation verify.
 *
 * @param certificates current CA first, then at most the previous CA; never empty
 * @param key the current CA's private key, which signs serving certificates
 */
public record CertificateAuthority(List<X509Certificate> certificates, PrivateKey key) {

  public CertificateAuthority {
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("a CA needs its certificate");
    }
    certificates = List.copyOf(certificates);
  }

  /** The CA certificate that signs new serving certificates. */
  public X509Certificate current() {
    return certificates.get(0);
  }
}
