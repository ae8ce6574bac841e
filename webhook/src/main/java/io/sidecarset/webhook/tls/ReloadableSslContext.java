package io.sidecarset.webhook.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's TLS context, swapped when the certificate changes. Each new connection gets a
 * handler from the context current at accept time; open connections keep theirs until they close.
 */
public final class ReloadableSslContext {

  private static final Logger LOG = LoggerFactory.getLogger(ReloadableSslContext.class);

  private final AtomicReference<Loaded> current = new AtomicReference<>();

  private record Loaded(SslContext context, ServingCertificate certificate, byte[] leafDer) {}

  /**
   * Serves {@code certificate} to connections accepted from now on. Does nothing when it is the
   * certificate already served.
   *
   * @return true when the served certificate changed
   */
  public boolean update(ServingCertificate certificate) {
    byte[] der = der(certificate.leaf());
    Loaded loaded = current.get();
    if (loaded != null && Arrays.equals(loaded.leafDer(), der)) {
      return false;
    }
    if (!certificate.keyMatchesLeaf()) {
      throw new IllegalArgumentException("the private key does not belong to the certificate");
    }
    try {
      SslContext context =
          SslContextBuilder.forServer(
                  certificate.key(), certificate.chain().toArray(X509Certificate[]::new))
              .protocols("TLSv1.3", "TLSv1.2")
              .build();
      current.set(new Loaded(context, certificate, der));
      LOG.info(
          "serving certificate {} (serial {}, valid until {})",
          certificate.leaf().getSubjectX500Principal().getName(),
          certificate.leaf().getSerialNumber().toString(16),
          certificate.leaf().getNotAfter().toInstant());
      return true;
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build a TLS context from the certificate", e);
    }
  }

  /** True once a certificate has been loaded. */
  public boolean loaded() {
    return current.get() != null;
  }

  /** The certificate currently served; null before the first {@link #update}. */
  public ServingCertificate certificate() {
    Loaded loaded = current.get();
    return loaded == null ? null : loaded.certificate();
  }

  /** A TLS handler for a newly accepted connection. */
  public SslHandler newHandler(ByteBufAllocator allocator) {
    Loaded loaded = current.get();
    if (loaded == null) {
      throw new IllegalStateException("no serving certificate loaded yet");
    }
    return loaded.context().newHandler(allocator);
  }

  private static byte[] der(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("unencodable certificate", e);
    }
  }
}
