package io.sidecarset.webhook.tls;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.sidecarset.webhook.cluster.InformerClusterCache;
import java.net.HttpURLConnection;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook manages its own TLS: a CA and a serving certificate in a Secret of its namespace,
 * created when missing, renewed before expiry, and the CA written into the webhook configurations.
 *
 * <p>Several replicas share the Secret without a leader. Creation is create-if-absent: the loser of
 * the race gets 409 and takes the winner's certificates. Renewal is an update carrying the
 * resourceVersion read: the loser gets 409, re-reads, and finds nothing left to do. Every replica
 * watches the Secret and serves whatever certificate it holds, so all of them switch when any one
 * renews. When the CA rotates, the new bundle (new and old CA) goes into the webhook configurations
 * before the Secret changes, so the apiserver already trusts the new serving certificate when the
 * replicas start presenting it.
 */
public final class SelfManagedCertificates implements CertificateSource {

  private static final Logger LOG = LoggerFactory.getLogger(SelfManagedCertificates.class);
  private static final int MAX_ATTEMPTS = 5;
  static final String CA_COMMON_NAME = "sidecarset-webhook-ca";

  private final KubernetesClient client;
  private final String namespace;
  private final String secretName;
  private final List<String> servingNames;
  private final Duration checkInterval;
  private final CertificateIssuer issuer;
  private final CertificateRenewalPolicy policy;
  private final CaBundlePublisher caBundles;
  private final ReloadableSslContext ssl;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private SharedIndexInformer<Secret> informer;

  public SelfManagedCertificates(
      KubernetesClient client,
      String namespace,
      String secretName,
      List<String> servingNames,
      Duration checkInterval,
      CertificateIssuer issuer,
      CertificateRenewalPolicy policy,
      CaBundlePublisher caBundles,
      ReloadableSslContext ssl,
      Clock clock) {
    this.client = client;
    this.namespace = namespace;
    this.secretName = secretName;
    this.servingNames = List.copyOf(servingNames);
    this.checkInterval = checkInterval;
    this.issuer = issuer;
    this.policy = policy;
    this.caBundles = caBundles;
    this.ssl = ssl;
    this.clock = clock;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread thread = new Thread(r, "certificate-check");
              thread.setDaemon(true);
              return thread;
            });
  }

  @Override
  public void start() {
    ManagedCertificates certificates = ensure();
    ssl.update(certificates.serving());
    publishQuietly(certificates);
    informer = client.secrets().inNamespace(namespace).withName(secretName).runnableInformer(0);
    informer.addEventHandler(new SecretChanges());
    informer.exceptionHandler(InformerClusterCache::retryAlways);
    informer.start();
    long periodMillis = Math.max(1, checkInterval.toMillis());
    scheduler.scheduleWithFixedDelay(
        this::check, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  /** One periodic pass: renew if due, reload, and repair the CA bundles if someone reset them. */
  void check() {
    try {
      ManagedCertificates certificates = ensure();
      ssl.update(certificates.serving());
      publishQuietly(certificates);
    } catch (RuntimeException e) {
      LOG.warn("certificate check failed; retrying in {}", checkInterval, e);
    }
  }

  /**
   * Reads the Secret, and creates or renews its certificates when the policy says so. Returns the
   * certificates that are now stored (this replica's or a faster one's).
   */
  ManagedCertificates ensure() {
    KubernetesClientException last = null;
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Secret secret = client.secrets().inNamespace(namespace).withName(secretName).get();
      Optional<ManagedCertificates> stored = CertificateSecretCodec.decode(secret);
      Instant now = clock.instant();
      RenewalDecision decision = policy.decide(stored, servingNames, now);
      if (decision.action() == RenewalDecision.Action.KEEP) {
        return stored.orElseThrow();
      }
      ManagedCertificates renewed = renew(decision, stored, now);
      try {
        if (secret == null) {
          client
              .secrets()
              .inNamespace(namespace)
              .resource(CertificateSecretCodec.newSecret(namespace, secretName, renewed))
              .create();
          LOG.info(
              "created Secret {}/{} with a new CA and serving certificate", namespace, secretName);
        } else {
          if (decision.action() == RenewalDecision.Action.ROTATE_CA
              || decision.action() == RenewalDecision.Action.CREATE) {
            // trust first, then serve: the bundle (new + old CA) is in place before any replica
            // presents a certificate signed by the new CA
            publishQuietly(renewed);
          }
          Secret updated =
              new SecretBuilder(secret)
                  .withType(CertificateSecretCodec.SECRET_TYPE)
                  .withData(CertificateSecretCodec.data(renewed))
                  .build();
          client.secrets().inNamespace(namespace).resource(updated).update();
          LOG.info(
              "renewed Secret {}/{}: {} ({})",
              namespace,
              secretName,
              decision.action(),
              decision.reason());
        }
        return renewed;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        // another replica created or renewed it first: read theirs and decide again
        LOG.info("Secret {}/{} changed concurrently; re-reading", namespace, secretName);
        last = e;
      }
    }
    throw new IllegalStateException(
        "could not settle Secret " + namespace + "/" + secretName + " after retries", last);
  }

  private ManagedCertificates renew(
      RenewalDecision decision, Optional<ManagedCertificates> stored, Instant now) {
    return switch (decision.action()) {
      case REISSUE_SERVING -> {
        CertificateAuthority authority = stored.orElseThrow().authority();
        yield new ManagedCertificates(authority, issuer.issueServing(authority, servingNames, now));
      }
      case ROTATE_CA -> {
        CertificateAuthority fresh = issuer.newAuthority(CA_COMMON_NAME, now);
        List<X509Certificate> bundle = new ArrayList<>(fresh.certificates());
        X509Certificate previous = stored.orElseThrow().authority().current();
        if (previous.getNotAfter().toInstant().isAfter(now)) {
          bundle.add(previous);
        }
        CertificateAuthority authority = new CertificateAuthority(bundle, fresh.key());
        yield new ManagedCertificates(authority, issuer.issueServing(authority, servingNames, now));
      }
      case CREATE -> {
        CertificateAuthority authority = issuer.newAuthority(CA_COMMON_NAME, now);
        yield new ManagedCertificates(authority, issuer.issueServing(authority, servingNames, now));
      }
      case KEEP -> stored.orElseThrow();
    };
  }

  private void publishQuietly(ManagedCertificates certificates) {
    try {
      caBundles.publish(CertificateSecretCodec.caBundlePem(certificates));
    } catch (KubernetesClientException e) {
      LOG.warn("could not write the CA bundle into the webhook configurations; will retry", e);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    if (informer != null) {
      informer.close();
    }
  }

  /** Every replica reloads when any replica (or a person) changes the Secret. */
  private final class SecretChanges implements ResourceEventHandler<Secret> {
    @Override
    public void onAdd(Secret secret) {
      reload(secret);
    }

    @Override
    public void onUpdate(Secret before, Secret after) {
      reload(after);
    }

    @Override
    public void onDelete(Secret secret, boolean finalStateUnknown) {
      LOG.warn("Secret {}/{} was deleted; recreating", namespace, secretName);
      scheduler.execute(SelfManagedCertificates.this::check);
    }

    private void reload(Secret secret) {
      Optional<ManagedCertificates> stored = CertificateSecretCodec.decode(secret);
      if (stored.isPresent()) {
        try {
          ssl.update(stored.get().serving());
        } catch (RuntimeException e) {
          LOG.warn("certificate in Secret {}/{} is unusable", namespace, secretName, e);
        }
      } else {
        // unreadable or emptied by hand: repair it now rather than at the next check
        scheduler.execute(SelfManagedCertificates.this::check);
      }
    }
  }
}
