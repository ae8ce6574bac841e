package io.sidecarset.webhook.tls;

import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether the webhook's certificates must be renewed. Pure: it reads certificates and the
 * clock value it is given, and touches nothing.
 *
 * @param renewBefore renew when less than this is left of a certificate's validity
 */
public record CertificateRenewalPolicy(Duration renewBefore) {

  private static final int SAN_DNS = 2;
  private static final int SAN_IP = 7;

  /**
   * The action for the certificates currently stored ({@code current}, empty when the Secret is
   * missing or unreadable), for a server that must answer to {@code names} at time {@code now}. The
   * CA is looked at first: rotating it also replaces the serving certificate.
   */
  public RenewalDecision decide(
      Optional<ManagedCertificates> current, List<String> names, Instant now) {
    if (current.isEmpty()) {
      return new RenewalDecision(RenewalDecision.Action.CREATE, "no usable certificates stored");
    }
    X509Certificate ca = current.get().authority().current();
    if (expiresSoon(ca, now)) {
      return new RenewalDecision(
          RenewalDecision.Action.ROTATE_CA, "the CA expires at " + ca.getNotAfter().toInstant());
    }
    X509Certificate leaf = current.get().serving().leaf();
    if (expiresSoon(leaf, now)) {
      return reissue("the serving certificate expires at " + leaf.getNotAfter().toInstant());
    }
    if (now.isBefore(leaf.getNotBefore().toInstant())) {
      return reissue("the serving certificate is not valid before " + leaf.getNotBefore());
    }
    if (!signedBy(leaf, ca)) {
      return reissue("the serving certificate is not signed by the current CA");
    }
    if (!current.get().serving().keyMatchesLeaf()) {
      return reissue("the serving key does not belong to the serving certificate");
    }
    Set<String> missing = new HashSet<>(names);
    missing.removeAll(subjectAltNames(leaf));
    if (!missing.isEmpty()) {
      return reissue("the serving certificate does not name " + missing);
    }
    return RenewalDecision.keep();
  }

  /** True when less than {@link #renewBefore} is left, or the certificate has expired. */
  public boolean expiresSoon(X509Certificate certificate, Instant now) {
    return !now.plus(renewBefore).isBefore(certificate.getNotAfter().toInstant());
  }

  private static RenewalDecision reissue(String reason) {
    return new RenewalDecision(RenewalDecision.Action.REISSUE_SERVING, reason);
  }

  private static boolean signedBy(X509Certificate leaf, X509Certificate ca) {
    try {
      leaf.verify(ca.getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  static Set<String> subjectAltNames(X509Certificate certificate) {
    Set<String> names = new HashSet<>();
    try {
      Collection<List<?>> sans = certificate.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          int type = (Integer) san.get(0);
          if (type == SAN_DNS || type == SAN_IP) {
            names.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      // unreadable SANs name nothing: the caller reissues
    }
    return names;
  }
}
