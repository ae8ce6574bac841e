package io.sidecarset.webhook.tls;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The certificate chain (leaf first) and private key the server presents to the apiserver.
 *
 * @param chain leaf certificate first, then any intermediates; never empty
 * @param key the leaf's private key
 */
public record ServingCertificate(List<X509Certificate> chain, PrivateKey key) {

  public ServingCertificate {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a serving certificate chain needs a leaf");
    }
    chain = List.copyOf(chain);
  }

  /**
   * True when {@link #key} is the private half of the leaf's public key (a mismatched pair would
   * load, then fail every handshake).
   */
  public boolean keyMatchesLeaf() {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          default -> null;
        };
    if (algorithm == null || !key.getAlgorithm().equals(leaf().getPublicKey().getAlgorithm())) {
      return false;
    }
    try {
      byte[] challenge = leaf().getSerialNumber().toByteArray();
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(leaf().getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The leaf certificate. */
  public X509Certificate leaf() {
    return chain.get(0);
  }
}
