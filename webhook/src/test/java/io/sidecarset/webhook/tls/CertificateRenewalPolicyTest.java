package io.sidecarset.webhook.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.sidecarset.webhook.tls.RenewalDecision.Action;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CertificateRenewalPolicyTest {

  private static final Instant ISSUED = Instant.parse("2026-01-01T00:00:00Z");
  private static final List<String> NAMES = List.of("webhook.system.svc", "127.0.0.1");
  private static final CertificateRenewalPolicy POLICY =
      new CertificateRenewalPolicy(Duration.ofDays(30));
  private static final CertificateIssuer ISSUER =
      new CertificateIssuer(new SecureRandom(), Duration.ofDays(3650), Duration.ofDays(365));

  private static ManagedCertificates issued(CertificateIssuer issuer, List<String> names) {
    CertificateAuthority ca = issuer.newAuthority("test-ca", ISSUED);
    return new ManagedCertificates(ca, issuer.issueServing(ca, names, ISSUED));
  }

  private static final ManagedCertificates FRESH = issued(ISSUER, NAMES);

  static Stream<Arguments> cases() {
    CertificateIssuer shortCa =
        new CertificateIssuer(new SecureRandom(), Duration.ofDays(100), Duration.ofDays(60));
    ManagedCertificates otherCa = issued(ISSUER, NAMES);
    return Stream.of(
        Arguments.of("nothing stored", Optional.empty(), ISSUED, Action.CREATE),
        Arguments.of(
            "fresh certificates", Optional.of(FRESH), ISSUED.plus(Duration.ofDays(1)), Action.KEEP),
        Arguments.of(
            "serving has 31 days left",
            Optional.of(FRESH),
            ISSUED.plus(Duration.ofDays(365 - 31)),
            Action.KEEP),
        Arguments.of(
            "serving has 29 days left",
            Optional.of(FRESH),
            ISSUED.plus(Duration.ofDays(365 - 29)),
            Action.REISSUE_SERVING),
        Arguments.of(
            "serving expired",
            Optional.of(FRESH),
            ISSUED.plus(Duration.ofDays(400)),
            Action.REISSUE_SERVING),
        Arguments.of(
            "CA has 29 days left (and so has the serving certificate, capped by it)",
            Optional.of(issued(shortCa, NAMES)),
            ISSUED.plus(Duration.ofDays(71)),
            Action.ROTATE_CA),
        Arguments.of(
            "serving certificate lacks a required name",
            Optional.of(issued(ISSUER, List.of("webhook.system.svc"))),
            ISSUED,
            Action.REISSUE_SERVING),
        Arguments.of(
            "serving certificate signed by another CA",
            Optional.of(new ManagedCertificates(FRESH.authority(), otherCa.serving())),
            ISSUED,
            Action.REISSUE_SERVING),
        Arguments.of(
            "serving key belongs to another certificate",
            Optional.of(
                new ManagedCertificates(
                    FRESH.authority(),
                    new ServingCertificate(FRESH.serving().chain(), otherCa.serving().key()))),
            ISSUED,
            Action.REISSUE_SERVING),
        Arguments.of(
            "clock before the serving certificate's validity",
            Optional.of(FRESH),
            ISSUED.minus(Duration.ofDays(1)),
            Action.REISSUE_SERVING));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decide(String scenario, Optional<ManagedCertificates> stored, Instant now, Action expected) {
    RenewalDecision decision = POLICY.decide(stored, NAMES, now);

    assertThat(decision.action()).as(decision.reason()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decide_afterActingOnTheDecision_keeps(
      String scenario, Optional<ManagedCertificates> stored, Instant now, Action expected) {
    // whatever was decided, what the issuer then makes must satisfy the policy: no renewal loop
    ManagedCertificates renewed =
        switch (expected) {
          case KEEP -> stored.orElseThrow();
          case REISSUE_SERVING ->
              new ManagedCertificates(
                  stored.orElseThrow().authority(),
                  ISSUER.issueServing(stored.orElseThrow().authority(), NAMES, now));
          case ROTATE_CA, CREATE -> {
            CertificateAuthority ca = ISSUER.newAuthority("test-ca", now);
            yield new ManagedCertificates(ca, ISSUER.issueServing(ca, NAMES, now));
          }
        };

    assertThat(POLICY.decide(Optional.of(renewed), NAMES, now).action()).isEqualTo(Action.KEEP);
  }
}
