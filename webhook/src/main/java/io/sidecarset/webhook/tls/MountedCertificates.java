package io.sidecarset.webhook.tls;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Certificates managed by someone else (cert-manager, a mounted Secret): {@code tls.crt} and {@code
 * tls.key} in a directory, reloaded when their content changes. When the directory also holds
 * {@code ca.crt} it is written into the webhook configurations as their CA bundle (on change, and
 * again every republish interval in case someone reset it).
 *
 * <p>The directory is polled rather than watched: Kubernetes updates Secret volumes by swapping a
 * symlink, which file watchers see unreliably, and reading two small files is cheap.
 */
public final class MountedCertificates implements CertificateSource {

  private static final Logger LOG = LoggerFactory.getLogger(MountedCertificates.class);

  private final Path certFile;
  private final Path keyFile;
  private final Path caFile;
  private final Duration pollInterval;
  private final Duration republishInterval;
  private final ReloadableSslContext ssl;
  private final CaBundlePublisher caBundles;
  private final ScheduledExecutorService scheduler;
  private byte[] lastCert = new byte[0];
  private byte[] lastKey = new byte[0];
  private byte[] lastCa = new byte[0];
  private long lastPublishNanos;
  private boolean publishedOnce;

  /**
   * @param caBundles where {@code ca.crt} goes; null to leave the webhook configurations alone
   */
  public MountedCertificates(
      Path dir,
      Duration pollInterval,
      Duration republishInterval,
      ReloadableSslContext ssl,
      CaBundlePublisher caBundles) {
    this.certFile = dir.resolve(CertificateSecretCodec.TLS_CERT);
    this.keyFile = dir.resolve(CertificateSecretCodec.TLS_KEY);
    this.caFile = dir.resolve(CertificateSecretCodec.CA_CERT);
    this.pollInterval = pollInterval;
    this.republishInterval = republishInterval;
    this.ssl = ssl;
    this.caBundles = caBundles;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "certificate-files");
              thread.setDaemon(true);
              return thread;
            });
  }

  @Override
  public void start() {
    try {
      reload();
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("cannot load " + certFile + " / " + keyFile, e);
    }
    publishCaBundle();
    long millis = Math.max(100, pollInterval.toMillis());
    scheduler.scheduleWithFixedDelay(this::poll, millis, millis, TimeUnit.MILLISECONDS);
  }

  private void poll() {
    try {
      reload();
    } catch (IOException | RuntimeException e) {
      // a half-written pair (cert updated, key not yet) fails here and succeeds on the next poll
      LOG.warn("cannot reload {} / {}: {}", certFile, keyFile, e.getMessage());
    }
    publishCaBundle();
  }

  /** Loads the pair when either file changed since the last successful load. */
  synchronized boolean reload() throws IOException {
    byte[] cert = Files.readAllBytes(certFile);
    byte[] key = Files.readAllBytes(keyFile);
    if (Arrays.equals(cert, lastCert) && Arrays.equals(key, lastKey)) {
      return false;
    }
    ServingCertificate certificate =
        new ServingCertificate(
            PemCodec.certificates(new String(cert, StandardCharsets.UTF_8)),
            PemCodec.privateKey(new String(key, StandardCharsets.UTF_8)));
    ssl.update(certificate);
    lastCert = cert;
    lastKey = key;
    return true;
  }

  private synchronized void publishCaBundle() {
    if (caBundles == null || !Files.isReadable(caFile)) {
      return;
    }
    try {
      byte[] ca = Files.readAllBytes(caFile);
      boolean due =
          !publishedOnce || System.nanoTime() - lastPublishNanos >= republishInterval.toNanos();
      if (ca.length == 0 || (Arrays.equals(ca, lastCa) && !due)) {
        return;
      }
      if (PemCodec.certificates(new String(ca, StandardCharsets.UTF_8)).isEmpty()) {
        LOG.warn("{} holds no certificate; CA bundle not written", caFile);
        return;
      }
      caBundles.publish(new String(ca, StandardCharsets.UTF_8));
      lastCa = ca;
      lastPublishNanos = System.nanoTime();
      publishedOnce = true;
    } catch (IOException | KubernetesClientException | IllegalArgumentException e) {
      LOG.warn("cannot write {} into the webhook configurations: {}", caFile, e.getMessage());
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
