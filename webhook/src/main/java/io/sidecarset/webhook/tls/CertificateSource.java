package io.sidecarset.webhook.tls;

/**
 * Where the serving certificate comes from, and who keeps it current: the webhook itself ({@link
 * SelfManagedCertificates}) or someone else who mounts files ({@link MountedCertificates}).
 */
public interface CertificateSource extends AutoCloseable {

  /**
   * Loads the first certificate into the server's context, then keeps it current in the background.
   * Returns only once a certificate is loaded.
   *
   * @throws IllegalStateException when no certificate can be obtained
   */
  void start();

  /** Stops the background work. */
  @Override
  void close();
}
