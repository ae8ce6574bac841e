package io.sidecarset.webhook;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.webhook.tls.CertificateSecretCodec;
import io.sidecarset.webhook.tls.PemCodec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The fixture of the webhook's ITs: fabric8's mock API server in CRUD mode (SidecarSets,
 * Namespaces, the certificate Secret, the webhook configurations), webhooks started against it, and
 * an HTTPS client that trusts only the CA the webhook published.
 */
public final class WebhookTester implements AutoCloseable {

  public static final String NAMESPACE = "sidecarset-system";
  public static final String SECRET = "webhook-cert";
  public static final String MUTATING = "sidecarset-mutating";
  public static final String VALIDATING = "sidecarset-validating";

  private final KubernetesMockServer server;
  private final KubernetesClient client;

  public WebhookTester() {
    server =
        new KubernetesMockServer(
            new Context(),
            new MockWebServer(),
            new HashMap<>(),
            new KubernetesCrudDispatcher(),
            true);
    server.init(InetAddress.getLoopbackAddress(), 0);
    server.expectCustomResource(
        CustomResourceDefinitionContext.fromCustomResourceType(SidecarSet.class));
    client = server.createClient();
    client
        .namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
  }

  public KubernetesClient client() {
    return client;
  }

  /** A new client of the mock API server (each webhook replica gets its own, as in a cluster). */
  public KubernetesClient newClient() {
    return server.createClient();
  }

  /** Settings for a webhook on an ephemeral loopback port with this fixture's names. */
  public static WebhookConfig config(String... flags) {
    String[] all = new String[flags.length + 8];
    all[0] = "--port=0";
    all[1] = "--bind-address=127.0.0.1";
    all[2] = "--namespace=" + NAMESPACE;
    all[3] = "--cert-secret=" + SECRET;
    all[4] = "--mutating-configuration=" + MUTATING;
    all[5] = "--validating-configuration=" + VALIDATING;
    all[6] = "--service-name=sidecarset-webhook";
    all[7] = "--warmup-rounds=0"; // the JIT warm-up matters under load, not in these tests
    System.arraycopy(flags, 0, all, 8, flags.length);
    return WebhookConfig.from(Map.of(), all);
  }

  /** Creates both webhook configurations with two webhooks each and no caBundle. */
  public void createWebhookConfigurations() {
    client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .resource(
            new MutatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName(MUTATING)
                .endMetadata()
                .addNewWebhook()
                .withName("pods.mutating.sidecarset.io")
                .withNewClientConfig()
                .withUrl("https://127.0.0.1:9443/mutate-pod")
                .endClientConfig()
                .endWebhook()
                .addNewWebhook()
                .withName("other.mutating.sidecarset.io")
                .withNewClientConfig()
                .withUrl("https://127.0.0.1:9443/mutate-pod")
                .endClientConfig()
                .endWebhook()
                .build())
        .create();
    client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .resource(
            new ValidatingWebhookConfigurationBuilder()
                .withNewMetadata()
                .withName(VALIDATING)
                .endMetadata()
                .addNewWebhook()
                .withName("sidecarsets.validating.sidecarset.io")
                .withNewClientConfig()
                .withUrl("https://127.0.0.1:9443/validate-sidecarset")
                .endClientConfig()
                .endWebhook()
                .build())
        .create();
  }

  public MutatingWebhookConfiguration mutating() {
    return client
        .admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .withName(MUTATING)
        .get();
  }

  public ValidatingWebhookConfiguration validating() {
    return client
        .admissionRegistration()
        .v1()
        .validatingWebhookConfigurations()
        .withName(VALIDATING)
        .get();
  }

  public Secret secret() {
    return client.secrets().inNamespace(NAMESPACE).withName(SECRET).get();
  }

  /** The CA certificates stored in the webhook's Secret. */
  public List<X509Certificate> storedCa() {
    String pem =
        new String(
            Base64.getDecoder().decode(secret().getData().get(CertificateSecretCodec.CA_CERT)),
            StandardCharsets.UTF_8);
    return PemCodec.certificates(pem);
  }

  /** The CA bundle, decoded, of a webhook configuration's webhook; empty when unset. */
  public static List<X509Certificate> caBundle(String base64) {
    if (base64 == null) {
      return List.of();
    }
    return PemCodec.certificates(
        new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8));
  }

  /** An HTTPS client that trusts exactly {@code trusted} and checks the host name. */
  public static HttpClient httpsClient(List<X509Certificate> trusted) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    for (int i = 0; i < trusted.size(); i++) {
      store.setCertificateEntry("ca-" + i, trusted.get(i));
    }
    TrustManagerFactory factory =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, factory.getTrustManagers(), new SecureRandom());
    return HttpClient.newBuilder()
        .sslContext(ssl)
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  public static HttpResponse<String> post(
      HttpClient http, InetSocketAddress address, String path, byte[] body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + address.getPort() + path))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  public static HttpResponse<String> get(HttpClient http, InetSocketAddress address, String path)
      throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + address.getPort() + path))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The leaf certificate a new TLS connection to the server is shown (not verified). */
  public static X509Certificate servedCertificate(InetSocketAddress address) throws Exception {
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, new TrustManager[] {new AcceptAnything()}, new SecureRandom());
    try (SSLSocket socket =
        (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", address.getPort())) {
      socket.setSoTimeout(5000);
      socket.startHandshake();
      return (X509Certificate) socket.getSession().getPeerCertificates()[0];
    }
  }

  /** Only for reading what the server presents; real requests go through {@link #httpsClient}. */
  private static final class AcceptAnything implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  @Override
  public void close() {
    client.close();
    server.destroy();
  }
}
