package io.sidecarset.webhook.tls;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * Makes the webhook's CA and serving certificates with BouncyCastle: ECDSA P-256 keys, SHA-256
 * signatures, the extensions Go's TLS verifier (the apiserver's) requires (CA basic constraints and
 * keyCertSign; serverAuth and subjectAltNames on the leaf). Time and randomness are parameters.
 */
public final class CertificateIssuer {

  /** A CA lives long: rotating it needs a CA-bundle change in every webhook configuration. */
  public static final Duration DEFAULT_CA_VALIDITY = Duration.ofDays(5 * 365);

  public static final Duration DEFAULT_SERVING_VALIDITY = Duration.ofDays(365);

  /** Backdating covers clocks that lag ours (the apiserver's). */
  static final Duration BACKDATE = Duration.ofMinutes(5);

  private static final String SIGNATURE = "SHA256withECDSA";

  private final SecureRandom random;
  private final Duration caValidity;
  private final Duration servingValidity;

  public CertificateIssuer(SecureRandom random, Duration caValidity, Duration servingValidity) {
    this.random = random;
    this.caValidity = caValidity;
    this.servingValidity = servingValidity;
  }

  public CertificateIssuer() {
    this(new SecureRandom(), DEFAULT_CA_VALIDITY, DEFAULT_SERVING_VALIDITY);
  }

  /** A new self-signed CA valid from {@code now}. */
  public CertificateAuthority newAuthority(String commonName, Instant now) {
    try {
      KeyPair keys = newKeyPair();
      X500Name subject = new X500Name("CN=" + commonName);
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              serial(),
              Date.from(now.minus(BACKDATE)),
              Date.from(now.plus(caValidity)),
              subject,
              keys.getPublic());
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
      builder.addExtension(
          Extension.keyUsage,
          true,
          new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          extensions.createSubjectKeyIdentifier(keys.getPublic()));
      X509Certificate certificate = sign(builder, keys);
      return new CertificateAuthority(List.of(certificate), keys.getPrivate());
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot create a CA certificate", e);
    }
  }

  /**
   * A serving certificate for {@code names} (DNS names or IP literals) signed by {@code authority},
   * valid from {@code now} but never beyond the CA itself.
   */
  public ServingCertificate issueServing(
      CertificateAuthority authority, List<String> names, Instant now) {
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a serving certificate needs at least one name");
    }
    try {
      KeyPair keys = newKeyPair();
      X509Certificate ca = authority.current();
      Instant notAfter = now.plus(servingValidity);
      if (notAfter.isAfter(ca.getNotAfter().toInstant())) {
        notAfter = ca.getNotAfter().toInstant();
      }
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              ca,
              serial(),
              Date.from(now.minus(BACKDATE)),
              Date.from(notAfter),
              new X500Name("CN=" + names.get(0)),
              keys.getPublic());
      JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      // ECDSA keys sign the handshake; keyEncipherment is for RSA key transport only
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
      builder.addExtension(
          Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
      builder.addExtension(Extension.subjectAlternativeName, false, subjectAltNames(names));
      builder.addExtension(
          Extension.subjectKeyIdentifier,
          false,
          extensions.createSubjectKeyIdentifier(keys.getPublic()));
      builder.addExtension(
          Extension.authorityKeyIdentifier,
          false,
          extensions.createAuthorityKeyIdentifier(ca.getPublicKey()));
      X509Certificate certificate =
          new JcaX509CertificateConverter().getCertificate(builder.build(signer(authority.key())));
      return new ServingCertificate(List.of(certificate), keys.getPrivate());
    } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
      throw new IllegalStateException("cannot issue a serving certificate", e);
    }
  }

  private static GeneralNames subjectAltNames(List<String> names) {
    List<GeneralName> altNames = new ArrayList<>();
    for (String name : names) {
      boolean ip = IPAddress.isValid(name);
      altNames.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name));
    }
    return new GeneralNames(altNames.toArray(GeneralName[]::new));
  }

  private KeyPair newKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp256r1"), random);
    return generator.generateKeyPair();
  }

  /** 127 random bits: positive, unique in practice (RFC 5280 allows up to 20 octets). */
  private BigInteger serial() {
    return new BigInteger(127, random).setBit(0);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair keys)
      throws GeneralSecurityException, OperatorCreationException {
    return new JcaX509CertificateConverter()
        .getCertificate(builder.build(signer(keys.getPrivate())));
  }

  private static ContentSigner signer(java.security.PrivateKey key)
      throws OperatorCreationException {
    return new JcaContentSignerBuilder(SIGNATURE).build(key);
  }
}
