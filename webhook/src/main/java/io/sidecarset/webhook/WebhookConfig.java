package io.sidecarset.webhook;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the webhook can be told at start, read from environment variables and overridden by
 * {@code --flag=value} arguments. Each setting has one env name and one flag name (see {@link
 * Setting}); the table is also the documentation in {@code webhook/README.md}.
 *
 * @param port HTTPS port
 * @param bindAddress address to listen on
 * @param namespace the namespace of the webhook's own Secret (and Service)
 * @param serviceName the Service in front of the webhook: its DNS names go into the certificate
 * @param secretName the Secret that holds the self-managed CA and serving certificate
 * @param mutatingConfigurationName the MutatingWebhookConfiguration that gets the CA bundle; empty
 *     means none
 * @param validatingConfigurationName the ValidatingWebhookConfiguration that gets the CA bundle;
 *     empty means none
 * @param certDir when present, the serving certificate comes from {@code tls.crt}/{@code tls.key}
 *     in this directory (e.g. cert-manager) instead of being managed by the webhook
 * @param certHosts the DNS names or IP addresses of the self-managed certificate; empty means the
 *     Service's DNS names
 * @param certCheckInterval how often the certificate is checked for renewal (and the CA bundle
 *     re-written if someone reset it), or mounted files for change
 * @param certRenewBefore renew the serving certificate (or rotate the CA) when less than this is
 *     left of its validity
 * @param kubeconfig an explicit kubeconfig; absent means fabric8's defaults ({@code KUBECONFIG},
 *     {@code ~/.kube/config}, in-cluster service account)
 * @param maxRequestBytes the largest request body accepted (the apiserver's own limit is 3 MiB)
 * @param ioThreads event-loop threads; 0 means Netty's default (2 per core)
 * @param warmupRounds admission rounds run on made-up input before serving; 0 for none
 * @param shutdownDelay on SIGTERM, how long admissions are still answered after {@code /readyz}
 *     starts failing
 */
public record WebhookConfig(
    int port,
    String bindAddress,
    String namespace,
    String serviceName,
    String secretName,
    String mutatingConfigurationName,
    String validatingConfigurationName,
    Optional<Path> certDir,
    List<String> certHosts,
    Duration certCheckInterval,
    Duration certRenewBefore,
    Optional<Path> kubeconfig,
    int maxRequestBytes,
    int ioThreads,
    int warmupRounds,
    Duration shutdownDelay) {

  /** One configurable setting: its env variable, its flag and its default. */
  public enum Setting {
    PORT("SIDECARSET_WEBHOOK_PORT", "port", "9443", "HTTPS port"),
    BIND_ADDRESS(
        "SIDECARSET_WEBHOOK_BIND_ADDRESS", "bind-address", "0.0.0.0", "address to listen on"),
    NAMESPACE(
        "SIDECARSET_WEBHOOK_NAMESPACE",
        "namespace",
        "",
        "namespace of the certificate Secret; default: POD_NAMESPACE, then the service account's"
            + " namespace, then sidecarset-system"),
    SERVICE_NAME(
        "SIDECARSET_WEBHOOK_SERVICE_NAME",
        "service-name",
        "sidecarset-webhook",
        "Service in front of the webhook; its DNS names go into the certificate"),
    SECRET_NAME(
        "SIDECARSET_WEBHOOK_CERT_SECRET",
        "cert-secret",
        "sidecarset-webhook-cert",
        "Secret holding the self-managed CA and serving certificate"),
    MUTATING_CONFIGURATION(
        "SIDECARSET_WEBHOOK_MUTATING_CONFIGURATION",
        "mutating-configuration",
        "sidecarset-mutating-webhook-configuration",
        "MutatingWebhookConfiguration whose caBundle is kept current (empty: none)"),
    VALIDATING_CONFIGURATION(
        "SIDECARSET_WEBHOOK_VALIDATING_CONFIGURATION",
        "validating-configuration",
        "sidecarset-validating-webhook-configuration",
        "ValidatingWebhookConfiguration whose caBundle is kept current (empty: none)"),
    CERT_DIR(
        "SIDECARSET_WEBHOOK_CERT_DIR",
        "cert-dir",
        "",
        "use tls.crt/tls.key from this directory (e.g. cert-manager) instead of self-managed"
            + " certificates; reloaded on change"),
    CERT_HOSTS(
        "SIDECARSET_WEBHOOK_CERT_HOSTS",
        "cert-hosts",
        "",
        "comma-separated DNS names/IPs of the self-managed certificate; default: the Service's"
            + " DNS names (name, name.namespace, name.namespace.svc, ...cluster.local)."
            + " localhost and 127.0.0.1 are always added"),
    CERT_CHECK_INTERVAL(
        "SIDECARSET_WEBHOOK_CERT_CHECK_INTERVAL",
        "cert-check-interval",
        "1h",
        "how often to check the certificate for renewal (or the mounted files for change: at"
            + " most every 10s)"),
    CERT_RENEW_BEFORE(
        "SIDECARSET_WEBHOOK_CERT_RENEW_BEFORE",
        "cert-renew-before",
        "720h",
        "renew when less than this is left of a certificate's validity"),
    KUBECONFIG(
        "SIDECARSET_WEBHOOK_KUBECONFIG",
        "kubeconfig",
        "",
        "kubeconfig file; default: KUBECONFIG, ~/.kube/config, then in-cluster"),
    MAX_REQUEST_BYTES(
        "SIDECARSET_WEBHOOK_MAX_REQUEST_BYTES",
        "max-request-bytes",
        "3145728",
        "largest request body"),
    IO_THREADS(
        "SIDECARSET_WEBHOOK_IO_THREADS",
        "io-threads",
        "0",
        "event-loop threads (0: Netty's default)"),
    WARMUP_ROUNDS(
        "SIDECARSET_WEBHOOK_WARMUP_ROUNDS",
        "warmup-rounds",
        "4000",
        "admission rounds run on made-up input before serving, so the first real requests meet"
            + " compiled code (at most 8 s; 0: none)"),
    SHUTDOWN_DELAY(
        "SIDECARSET_WEBHOOK_SHUTDOWN_DELAY",
        "shutdown-delay",
        "5s",
        "on SIGTERM, fail /readyz but keep answering admissions this long before stopping");

    public final String env;
    public final String flag;
    public final String defaultValue;
    public final String description;

    Setting(String env, String flag, String defaultValue, String description) {
      this.env = env;
      this.flag = flag;
      this.defaultValue = defaultValue;
      this.description = description;
    }
  }

  /** Env variable that carries the pod's namespace (set by the chart via the downward API). */
  public static final String POD_NAMESPACE_ENV = "POD_NAMESPACE";

  /** Env variable with the log level: error, warn, info, debug or trace. */
  public static final String LOG_LEVEL_ENV = "SIDECARSET_LOG_LEVEL";

  /**
   * Configures slf4j-simple from {@link #LOG_LEVEL_ENV}, with timestamps. Must run before the first
   * logger is created, since slf4j-simple reads its settings once.
   */
  public static void configureLogging(Map<String, String> env) {
    String level = env.getOrDefault(LOG_LEVEL_ENV, "info").trim().toLowerCase(Locale.ROOT);
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level.isEmpty() ? "info" : level);
    System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
    System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
    // v1alpha1 is our CRD's version on purpose; fabric8 would warn about it on every start
    System.setProperty(
        "org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.dsl.internal.VersionUsageUtils",
        "error");
  }

  static final Path SERVICE_ACCOUNT_NAMESPACE =
      Path.of("/var/run/secrets/kubernetes.io/serviceaccount/namespace");
  static final String FALLBACK_NAMESPACE = "sidecarset-system";

  /**
   * The names the serving certificate must carry: {@link #certHosts}, or else the Service's DNS
   * names the way the apiserver addresses it; plus the loopback names for local mode (the apiserver
   * calling {@code https://127.0.0.1:<port>}).
   */
  public List<String> servingNames() {
    List<String> names = new ArrayList<>();
    if (certHosts.isEmpty()) {
      names.add(serviceName);
      names.add(serviceName + "." + namespace);
      names.add(serviceName + "." + namespace + ".svc");
      names.add(serviceName + "." + namespace + ".svc.cluster.local");
    } else {
      names.addAll(certHosts);
    }
    for (String loopback : List.of("localhost", "127.0.0.1")) {
      if (!names.contains(loopback)) {
        names.add(loopback);
      }
    }
    return List.copyOf(names);
  }

  /** True when certificates come from mounted files rather than the webhook's own Secret. */
  public boolean mountedCertificates() {
    return certDir.isPresent();
  }

  /**
   * Reads the settings from {@code env} and {@code args}; flags win over env, env over defaults.
   *
   * @throws IllegalArgumentException on an unknown flag or a value that does not parse
   */
  public static WebhookConfig from(Map<String, String> env, String... args) {
    Map<Setting, String> values = new LinkedHashMap<>();
    for (Setting setting : Setting.values()) {
      String fromEnv = env.get(setting.env);
      values.put(setting, fromEnv != null ? fromEnv.trim() : setting.defaultValue);
    }
    for (String arg : args) {
      values.put(flagSetting(arg), arg.substring(arg.indexOf('=') + 1).trim());
    }
    String namespace = values.get(Setting.NAMESPACE);
    if (namespace.isEmpty()) {
      namespace = defaultNamespace(env);
    }
    return new WebhookConfig(
        intValue(values, Setting.PORT),
        values.get(Setting.BIND_ADDRESS),
        namespace,
        values.get(Setting.SERVICE_NAME),
        values.get(Setting.SECRET_NAME),
        values.get(Setting.MUTATING_CONFIGURATION),
        values.get(Setting.VALIDATING_CONFIGURATION),
        optionalPath(values.get(Setting.CERT_DIR)),
        Arrays.stream(values.get(Setting.CERT_HOSTS).split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList(),
        durationValue(values, Setting.CERT_CHECK_INTERVAL),
        durationValue(values, Setting.CERT_RENEW_BEFORE),
        optionalPath(values.get(Setting.KUBECONFIG)),
        intValue(values, Setting.MAX_REQUEST_BYTES),
        intValue(values, Setting.IO_THREADS),
        intValue(values, Setting.WARMUP_ROUNDS),
        durationValue(values, Setting.SHUTDOWN_DELAY));
  }

  private static Setting flagSetting(String arg) {
    int eq = arg.indexOf('=');
    if (!arg.startsWith("--") || eq < 0) {
      throw new IllegalArgumentException("expected --flag=value, got: " + arg);
    }
    String flag = arg.substring(2, eq);
    for (Setting setting : Setting.values()) {
      if (setting.flag.equals(flag)) {
        return setting;
      }
    }
    throw new IllegalArgumentException("unknown flag --" + flag);
  }

  private static String defaultNamespace(Map<String, String> env) {
    String podNamespace = env.get(POD_NAMESPACE_ENV);
    if (podNamespace != null && !podNamespace.isBlank()) {
      return podNamespace.trim();
    }
    try {
      if (Files.isReadable(SERVICE_ACCOUNT_NAMESPACE)) {
        return Files.readString(SERVICE_ACCOUNT_NAMESPACE).trim();
      }
    } catch (java.io.IOException e) {
      // fall through to the fixed default
    }
    return FALLBACK_NAMESPACE;
  }

  private static Optional<Path> optionalPath(String value) {
    return value.isEmpty() ? Optional.empty() : Optional.of(Path.of(value));
  }

  private static int intValue(Map<Setting, String> values, Setting setting) {
    try {
      return Integer.parseInt(values.get(setting));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          setting.env + "/--" + setting.flag + ": not an integer: " + values.get(setting), e);
    }
  }

  private static Duration durationValue(Map<Setting, String> values, Setting setting) {
    try {
      return parseDuration(values.get(setting));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          setting.env + "/--" + setting.flag + ": not a duration: " + values.get(setting), e);
    }
  }

  /**
   * Parses Go-style durations ({@code 90s}, {@code 5m}, {@code 720h}, {@code 1h30m}) and ISO-8601
   * ({@code PT1H}), so that values read the same as in Kubernetes manifests.
   */
  static Duration parseDuration(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (value.startsWith("p")) {
      return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
    }
    Duration total = Duration.ZERO;
    int i = 0;
    if (value.isEmpty()) {
      throw new IllegalArgumentException("empty duration");
    }
    while (i < value.length()) {
      int start = i;
      while (i < value.length() && Character.isDigit(value.charAt(i))) {
        i++;
      }
      if (start == i) {
        throw new IllegalArgumentException("expected a number at " + start + " in " + text);
      }
      long amount = Long.parseLong(value.substring(start, i));
      int unitStart = i;
      while (i < value.length() && Character.isLetter(value.charAt(i))) {
        i++;
      }
      String unit = value.substring(unitStart, i);
      total =
          total.plus(
              switch (unit) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                case "d" -> Duration.ofDays(amount);
                default -> throw new IllegalArgumentException("unknown unit '" + unit + "'");
              });
    }
    return total;
  }
}
