package io.sidecarset.webhook.tls;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.WebhookClientConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the CA bundle into every webhook of the named Mutating- and
 * ValidatingWebhookConfiguration, so that the apiserver trusts the serving certificate. Writes only
 * what differs, so every replica can call it on every check without churning the objects.
 */
public final class CaBundlePublisher {

  private static final Logger LOG = LoggerFactory.getLogger(CaBundlePublisher.class);
  private static final int MAX_ATTEMPTS = 5;

  private final KubernetesClient client;
  private final String mutatingName;
  private final String validatingName;

  /**
   * @param mutatingName empty: no MutatingWebhookConfiguration is managed
   * @param validatingName empty: no ValidatingWebhookConfiguration is managed
   */
  public CaBundlePublisher(KubernetesClient client, String mutatingName, String validatingName) {
    this.client = client;
    this.mutatingName = mutatingName;
    this.validatingName = validatingName;
  }

  /**
   * Puts {@code caBundlePem} into both configurations. A configuration that does not exist (yet) is
   * skipped; the next periodic check tries again.
   *
   * @return how many configurations were changed
   */
  public int publish(String caBundlePem) {
    String caBundle =
        Base64.getEncoder().encodeToString(caBundlePem.getBytes(StandardCharsets.UTF_8));
    int changed = 0;
    if (!mutatingName.isEmpty() && retryOnConflict(() -> publishMutating(caBundle))) {
      changed++;
    }
    if (!validatingName.isEmpty() && retryOnConflict(() -> publishValidating(caBundle))) {
      changed++;
    }
    return changed;
  }

  private boolean publishMutating(String caBundle) {
    var resource =
        client.admissionRegistration().v1().mutatingWebhookConfigurations().withName(mutatingName);
    MutatingWebhookConfiguration configuration = resource.get();
    if (configuration == null) {
      LOG.info("MutatingWebhookConfiguration {} not found; CA bundle not written", mutatingName);
      return false;
    }
    if (allHave(configuration.getWebhooks(), MutatingWebhook::getClientConfig, caBundle)) {
      return false;
    }
    resource.edit(
        c -> {
          setAll(c.getWebhooks(), MutatingWebhook::getClientConfig, caBundle);
          return c;
        });
    LOG.info("CA bundle written to MutatingWebhookConfiguration {}", mutatingName);
    return true;
  }

  private boolean publishValidating(String caBundle) {
    var resource =
        client
            .admissionRegistration()
            .v1()
            .validatingWebhookConfigurations()
            .withName(validatingName);
    ValidatingWebhookConfiguration configuration = resource.get();
    if (configuration == null) {
      LOG.info(
          "ValidatingWebhookConfiguration {} not found; CA bundle not written", validatingName);
      return false;
    }
    if (allHave(configuration.getWebhooks(), ValidatingWebhook::getClientConfig, caBundle)) {
      return false;
    }
    resource.edit(
        c -> {
          setAll(c.getWebhooks(), ValidatingWebhook::getClientConfig, caBundle);
          return c;
        });
    LOG.info("CA bundle written to ValidatingWebhookConfiguration {}", validatingName);
    return true;
  }

  /**
   * Replicas starting together all publish at once; the edit carries the resourceVersion read, so
   * all but one get 409. They re-read, usually find the bundle already there, and stop.
   */
  private static boolean retryOnConflict(BooleanSupplier write) {
    for (int attempt = 1; ; attempt++) {
      try {
        return write.getAsBoolean();
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= MAX_ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private static <W> boolean allHave(
      List<W> webhooks, Function<W, WebhookClientConfig> clientConfig, String caBundle) {
    if (webhooks == null) {
      return true;
    }
    for (W webhook : webhooks) {
      WebhookClientConfig config = clientConfig.apply(webhook);
      if (config == null || !Objects.equals(config.getCaBundle(), caBundle)) {
        return false;
      }
    }
    return true;
  }

  private static <W> void setAll(
      List<W> webhooks, Function<W, WebhookClientConfig> clientConfig, String caBundle) {
    if (webhooks == null) {
      return;
    }
    for (W webhook : webhooks) {
      WebhookClientConfig config = clientConfig.apply(webhook);
      if (config != null) {
        config.setCaBundle(caBundle);
      }
    }
  }
}
