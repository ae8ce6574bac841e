package io.sidecarset.webhook.tls;

import static io.sidecarset.webhook.WebhookTester.caBundle;
import static io.sidecarset.webhook.WebhookTester.get;
import static io.sidecarset.webhook.WebhookTester.servedCertificate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sidecarset.webhook.WebhookConfig;
import io.sidecarset.webhook.WebhookServer;
import io.sidecarset.webhook.WebhookTester;
import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook's own TLS against an API server: the Secret is created once and shared, reused after
 * a restart, renewed before expiry (at start and by the periodic check), rotated with its CA,
 * hot-reloaded by every replica, and its CA kept in both webhook configurations. Also the
 * mounted-files mode.
 */
class CertificateManagementIT {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Duration POLL = Duration.ofMillis(100);

  private WebhookTester tester;
  private final List<WebhookServer> servers = new ArrayList<>();
  private final List<KubernetesClient> clients = new ArrayList<>();

  @BeforeEach
  void startApiServer() {
    tester = new WebhookTester();
    tester.createWebhookConfigurations();
  }

  @AfterEach
  void stopEverything() {
    servers.forEach(WebhookServer::close);
    clients.forEach(KubernetesClient::close);
    tester.close();
  }

  private WebhookServer startWebhook(Clock clock, String... flags) throws InterruptedException {
    KubernetesClient client = tester.newClient();
    clients.add(client);
    WebhookConfig config = WebhookTester.config(flags);
    WebhookServer server = WebhookServer.start(config, client, clock);
    synchronized (servers) {
      servers.add(server);
    }
    return server;
  }

  private void stop(WebhookServer server) {
    server.close();
    servers.remove(server);
  }

  /** Certificates with a short-lived serving certificate, as if issued long ago. */
  private static ManagedCertificates issued(
      Instant at, Duration caValidity, Duration servingValidity, List<String> names) {
    CertificateIssuer issuer =
        new CertificateIssuer(new SecureRandom(), caValidity, servingValidity);
    CertificateAuthority ca = issuer.newAuthority("old-ca", at);
    return new ManagedCertificates(ca, issuer.issueServing(ca, names, at));
  }

  private void storeSecret(ManagedCertificates certificates) {
    tester
        .client()
        .secrets()
        .inNamespace(WebhookTester.NAMESPACE)
        .resource(
            CertificateSecretCodec.newSecret(
                WebhookTester.NAMESPACE, WebhookTester.SECRET, certificates))
        .create();
  }

  private static List<String> servingNames() {
    return WebhookTester.config().servingNames();
  }

  private void assertBundlesEqualStoredCa() {
    List<X509Certificate> stored = tester.storedCa();
    for (MutatingWebhook webhook : tester.mutating().getWebhooks()) {
      assertThat(caBundle(webhook.getClientConfig().getCaBundle())).isEqualTo(stored);
    }
    for (ValidatingWebhook webhook : tester.validating().getWebhooks()) {
      assertThat(caBundle(webhook.getClientConfig().getCaBundle())).isEqualTo(stored);
    }
  }

  @Test
  void
      firstStart_createsSecret_publishesItsCaIntoBothConfigurations_andServesAVerifiableCertificate()
          throws Exception {
    WebhookServer server = startWebhook(Clock.systemUTC());

    Secret secret = tester.secret();
    assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
    assertThat(secret.getData()).containsKeys("tls.crt", "tls.key", "ca.crt", "ca.key");
    assertThat(tester.mutating().getWebhooks()).hasSize(2);
    assertBundlesEqualStoredCa();
    // the apiserver's view: trust only the published bundle, check the host name (127.0.0.1 SAN)
    HttpClient https =
        WebhookTester.httpsClient(
            caBundle(tester.validating().getWebhooks().get(0).getClientConfig().getCaBundle()));
    assertThat(get(https, server.localAddress(), "/healthz").statusCode()).isEqualTo(200);
    X509Certificate served = servedCertificate(server.localAddress());
    assertThat(CertificateRenewalPolicy.subjectAltNames(served))
        .contains(
            "sidecarset-webhook",
            "sidecarset-webhook.sidecarset-system.svc",
            "sidecarset-webhook.sidecarset-system.svc.cluster.local",
            "localhost",
            "127.0.0.1");
  }

  @Test
  void restart_reusesTheStoredCertificate() throws Exception {
    WebhookServer first = startWebhook(Clock.systemUTC());
    BigInteger serial = servedCertificate(first.localAddress()).getSerialNumber();
    String resourceVersion = tester.secret().getMetadata().getResourceVersion();
    stop(first);

    WebhookServer second = startWebhook(Clock.systemUTC());

    assertThat(servedCertificate(second.localAddress()).getSerialNumber()).isEqualTo(serial);
    assertThat(tester.secret().getMetadata().getResourceVersion()).isEqualTo(resourceVersion);
  }

  @Test
  void replicasStartingTogether_shareOneSecret_andServeTheSameCertificate() throws Exception {
    int replicas = 3;
    ExecutorService pool = Executors.newFixedThreadPool(replicas);
    try {
      List<Callable<WebhookServer>> starts = new ArrayList<>();
      for (int i = 0; i < replicas; i++) {
        starts.add(() -> startWebhook(Clock.systemUTC()));
      }
      List<BigInteger> serials = new ArrayList<>();
      for (Future<WebhookServer> started : pool.invokeAll(starts)) {
        serials.add(servedCertificate(started.get().localAddress()).getSerialNumber());
      }
      BigInteger stored =
          PemCodec.certificates(
                  new String(
                      java.util.Base64.getDecoder()
                          .decode(tester.secret().getData().get("tls.crt")),
                      StandardCharsets.UTF_8))
              .get(0)
              .getSerialNumber();
      await()
          .atMost(WAIT)
          .pollInterval(POLL)
          .untilAsserted(
              () -> {
                for (WebhookServer server : servers) {
                  assertThat(servedCertificate(server.localAddress()).getSerialNumber())
                      .isEqualTo(stored);
                }
              });
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void apiServer_rejectsAStaleResourceVersion_soConcurrentRenewalsCannotBothWin() {
    // the premise of leaderless renewal: an update carrying an old resourceVersion gets 409
    storeSecret(issued(Instant.now(), Duration.ofDays(3650), Duration.ofDays(365), servingNames()));
    Secret read = tester.secret();
    tester
        .client()
        .secrets()
        .inNamespace(WebhookTester.NAMESPACE)
        .resource(
            new SecretBuilder(read)
                .editMetadata()
                .addToLabels("touched", "yes")
                .endMetadata()
                .build())
        .update();

    assertThatThrownBy(
            () ->
                tester
                    .client()
                    .secrets()
                    .inNamespace(WebhookTester.NAMESPACE)
                    .resource(new SecretBuilder(read).addToStringData("x", "y").build())
                    .update())
        .isInstanceOf(KubernetesClientException.class)
        .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));
  }

  @Test
  void servingCertificateNearExpiry_isRenewedAtStart_underTheSameCa() throws Exception {
    Instant now = Instant.now();
    ManagedCertificates old =
        issued(
            now.minus(Duration.ofDays(80)),
            Duration.ofDays(3650),
            Duration.ofDays(90),
            servingNames());
    storeSecret(old);

    WebhookServer server = startWebhook(Clock.systemUTC());

    X509Certificate served = servedCertificate(server.localAddress());
    assertThat(served.getSerialNumber()).isNotEqualTo(old.serving().leaf().getSerialNumber());
    assertThat(served.getNotAfter().toInstant()).isAfter(now.plus(Duration.ofDays(300)));
    served.verify(old.authority().current().getPublicKey());
    assertThat(tester.storedCa()).containsExactly(old.authority().current());
    assertBundlesEqualStoredCa();
  }

  @Test
  void caNearExpiry_isRotated_andTheBundleCarriesNewAndOldCa() throws Exception {
    Instant now = Instant.now();
    ManagedCertificates old =
        issued(
            now.minus(Duration.ofDays(80)),
            Duration.ofDays(100),
            Duration.ofDays(365),
            servingNames());
    storeSecret(old);

    WebhookServer server = startWebhook(Clock.systemUTC());

    List<X509Certificate> bundle = tester.storedCa();
    assertThat(bundle).hasSize(2);
    assertThat(bundle.get(1)).isEqualTo(old.authority().current());
    assertThat(bundle.get(0)).isNotEqualTo(old.authority().current());
    servedCertificate(server.localAddress()).verify(bundle.get(0).getPublicKey());
    assertBundlesEqualStoredCa();
    HttpClient https = WebhookTester.httpsClient(bundle);
    assertThat(get(https, server.localAddress(), "/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void periodicCheck_renewsWhileRunning_andEveryReplicaReloads() throws Exception {
    MutableClock clock = new MutableClock(Instant.now());
    WebhookServer renewing = startWebhook(clock, "--cert-check-interval=200ms");
    // a replica whose own check would not come for an hour: it reloads because the Secret changed
    WebhookServer watching = startWebhook(Clock.systemUTC(), "--cert-check-interval=1h");
    BigInteger before = servedCertificate(renewing.localAddress()).getSerialNumber();
    assertThat(servedCertificate(watching.localAddress()).getSerialNumber()).isEqualTo(before);

    clock.advance(Duration.ofDays(340));

    await()
        .atMost(WAIT)
        .pollInterval(POLL)
        .untilAsserted(
            () -> {
              BigInteger renewed = servedCertificate(renewing.localAddress()).getSerialNumber();
              assertThat(renewed).isNotEqualTo(before);
              assertThat(servedCertificate(watching.localAddress()).getSerialNumber())
                  .isEqualTo(renewed);
            });
  }

  @Test
  void caBundleResetByAnInstall_isWrittenAgainByThePeriodicCheck() throws Exception {
    startWebhook(Clock.systemUTC(), "--cert-check-interval=200ms");
    assertBundlesEqualStoredCa();

    tester
        .client()
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .withName(WebhookTester.MUTATING)
        .edit(
            c -> {
              c.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(null));
              return c;
            });

    await().atMost(WAIT).pollInterval(POLL).untilAsserted(this::assertBundlesEqualStoredCa);
  }

  @Test
  void secretDeleted_isRecreatedAndServed() throws Exception {
    WebhookServer server = startWebhook(Clock.systemUTC());
    BigInteger before = servedCertificate(server.localAddress()).getSerialNumber();

    tester
        .client()
        .secrets()
        .inNamespace(WebhookTester.NAMESPACE)
        .withName(WebhookTester.SECRET)
        .delete();

    await()
        .atMost(WAIT)
        .pollInterval(POLL)
        .untilAsserted(
            () -> {
              assertThat(tester.secret()).isNotNull();
              assertThat(servedCertificate(server.localAddress()).getSerialNumber())
                  .isNotEqualTo(before);
              assertBundlesEqualStoredCa();
            });
  }

  @Test
  void mountedCertificates_areServed_reloadedOnChange_andTheirCaPublished(@TempDir Path dir)
      throws Exception {
    List<String> names = List.of("127.0.0.1", "localhost");
    ManagedCertificates first =
        issued(Instant.now(), Duration.ofDays(365), Duration.ofDays(90), names);
    writeMounted(dir, first);

    WebhookServer server =
        startWebhook(Clock.systemUTC(), "--cert-dir=" + dir, "--cert-check-interval=200ms");

    assertThat(servedCertificate(server.localAddress())).isEqualTo(first.serving().leaf());
    assertThat(caBundle(tester.mutating().getWebhooks().get(0).getClientConfig().getCaBundle()))
        .containsExactly(first.authority().current());
    assertThat(tester.secret()).as("mounted mode writes no Secret").isNull();

    ManagedCertificates second =
        issued(Instant.now(), Duration.ofDays(365), Duration.ofDays(90), names);
    writeMounted(dir, second);

    await()
        .atMost(WAIT)
        .pollInterval(POLL)
        .untilAsserted(
            () -> {
              assertThat(servedCertificate(server.localAddress()))
                  .isEqualTo(second.serving().leaf());
              assertThat(
                      caBundle(
                          tester.validating().getWebhooks().get(0).getClientConfig().getCaBundle()))
                  .containsExactly(second.authority().current());
            });
  }

  /** Writes the files the way a Secret volume changes: all at once, via a rename. */
  private static void writeMounted(Path dir, ManagedCertificates certificates) throws Exception {
    Path staging = Files.createTempDirectory(dir.getParent(), "staging");
    Files.writeString(
        staging.resolve("tls.crt"), PemCodec.encodeCertificates(certificates.serving().chain()));
    Files.writeString(
        staging.resolve("tls.key"), PemCodec.encodePrivateKey(certificates.serving().key()));
    Files.writeString(
        staging.resolve("ca.crt"),
        PemCodec.encodeCertificates(certificates.authority().certificates()));
    for (String file : List.of("tls.key", "tls.crt", "ca.crt")) {
      Files.move(
          staging.resolve(file),
          dir.resolve(file),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
    Files.delete(staging);
  }
}
