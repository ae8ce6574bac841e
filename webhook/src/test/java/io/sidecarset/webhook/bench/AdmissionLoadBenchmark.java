package io.sidecarset.webhook.bench;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.sidecarset.webhook.WebhookFixtures;
import io.sidecarset.webhook.WebhookTester;
import io.sidecarset.webhook.bench.OpenLoopTlsClient.Result;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * The webhook's load run: the shaded jar as its own process (so its resident memory is its own),
 * SidecarSets served by fabric8's mock API server, and an open-loop HTTPS client sending
 * AdmissionReviews of a pod that five SidecarSets match (one HotUpgrade, four cold).
 *
 * <p>Phases, each bounded in time: warm-up (discarded), a /healthz baseline at the target rate (the
 * floor of TLS + HTTP + client on this machine), the main run (500/s for 60 s), then a rate ladder
 * that stops at the first rate whose p99 exceeds 20 ms or that has an error. Prints a Markdown
 * report and writes it to {@code --report}.
 *
 * <p>Run: {@code mvn -B -q -pl webhook exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=io.sidecarset.webhook.bench.AdmissionLoadBenchmark -Dexec.args="--jar
 * webhook/target/sidecarset-webhook-0.1.0-SNAPSHOT-all.jar"}
 */
public final class AdmissionLoadBenchmark {

  private static final String NAMESPACE = "shop";
  private static final String UID_TEMPLATE = "00000000-0000-0000-0000-000000000000";
  private static final double P99_CEILING_MS = 20.0;

  private final Arguments args;
  private final StringBuilder report = new StringBuilder();

  record Arguments(
      Path jar,
      Path report,
      double rate,
      Duration duration,
      Duration warmup,
      Duration stepDuration,
      List<Double> ladder,
      List<String> jvmFlags,
      int clientThreads,
      int maxConnections) {

    static Arguments parse(String[] argv) {
      Path jar = null;
      Path report = Path.of("webhook/target/benchmark/webhook-load.md");
      double rate = 500;
      Duration duration = Duration.ofSeconds(60);
      Duration warmup = Duration.ofSeconds(20);
      Duration step = Duration.ofSeconds(20);
      List<Double> ladder = List.of(1000.0, 1500.0, 2000.0, 3000.0, 4000.0, 5000.0, 6000.0);
      List<String> jvm =
          List.of(
              "-XX:+UseSerialGC", "-Xms64m", "-Xmx128m", "-Xss512k", "-XX:MaxMetaspaceSize=96m");
      int clientThreads = 1;
      int maxConnections = 64;
      for (String arg : argv) {
        String value = arg.substring(arg.indexOf('=') + 1);
        if (arg.startsWith("--jar=")) {
          jar = Path.of(value);
        } else if (arg.startsWith("--report=")) {
          report = Path.of(value);
        } else if (arg.startsWith("--rate=")) {
          rate = Double.parseDouble(value);
        } else if (arg.startsWith("--duration=")) {
          duration = Duration.ofSeconds(Long.parseLong(value));
        } else if (arg.startsWith("--warmup=")) {
          warmup = Duration.ofSeconds(Long.parseLong(value));
        } else if (arg.startsWith("--step=")) {
          step = Duration.ofSeconds(Long.parseLong(value));
        } else if (arg.startsWith("--ladder=")) {
          ladder =
              value.isEmpty()
                  ? List.of()
                  : java.util.Arrays.stream(value.split(",")).map(Double::valueOf).toList();
        } else if (arg.startsWith("--jvm=")) {
          jvm = List.of(value.split(" "));
        } else if (arg.startsWith("--client-threads=")) {
          clientThreads = Integer.parseInt(value);
        } else if (arg.startsWith("--max-connections=")) {
          maxConnections = Integer.parseInt(value);
        } else {
          throw new IllegalArgumentException("unknown argument " + arg);
        }
      }
      if (jar == null) {
        throw new IllegalArgumentException("--jar=<shaded webhook jar> is required");
      }
      return new Arguments(
          jar, report, rate, duration, warmup, step, ladder, jvm, clientThreads, maxConnections);
    }
  }

  private AdmissionLoadBenchmark(Arguments args) {
    this.args = args;
  }

  public static void main(String[] argv) throws Exception {
    new AdmissionLoadBenchmark(Arguments.parse(argv)).run();
    System.exit(0);
  }

  private void run() throws Exception {
    try (WebhookTester api = new WebhookTester()) {
      seed(api.client());
      Path kubeconfig = Files.createTempFile("webhook-bench", ".kubeconfig");
      Files.writeString(kubeconfig, kubeconfigFor(api.client().getConfiguration()));
      int port = freePort();
      Path log = args.report().resolveSibling("webhook-process.log");
      Files.createDirectories(log.getParent());
      Process webhook = startWebhook(kubeconfig, port, log);
      try {
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        List<X509Certificate> ca = awaitReady(api, address, webhook);
        runPhases(address, ca, webhook);
      } finally {
        webhook.destroy();
        if (!webhook.waitFor(10, TimeUnit.SECONDS)) {
          webhook.destroyForcibly();
        }
        Files.deleteIfExists(kubeconfig);
      }
    }
    Files.createDirectories(args.report().getParent());
    Files.writeString(args.report(), report.toString());
    System.out.println("report written to " + args.report());
  }

  /**
   * Five sets select app=web: one HotUpgrade mesh proxy, four cold agents; one more selects nothing
   * here.
   */
  private static void seed(KubernetesClient client) {
    client
        .namespaces()
        .resource(
            new NamespaceBuilder()
                .withNewMetadata()
                .withName(NAMESPACE)
                .addToLabels("team", "shop")
                .endMetadata()
                .build())
        .create();
    client.resource(WebhookFixtures.hotUpgradeSet("mesh", "web")).create();
    for (String name : List.of("logs", "metrics", "trace", "audit")) {
      client.resource(WebhookFixtures.coldSet(name, "web")).create();
    }
    client.resource(WebhookFixtures.coldSet("batch-agent", "batch")).create();
  }

  private static String kubeconfigFor(Config config) throws IOException {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: mock",
        "  cluster:",
        "    server: " + config.getMasterUrl(),
        "    insecure-skip-tls-verify: true",
        "contexts:",
        "- name: mock",
        "  context: {cluster: mock, user: bench, namespace: " + WebhookTester.NAMESPACE + "}",
        "current-context: mock",
        "users:",
        "- name: bench",
        "  user: {token: bench}",
        "");
  }

  private Process startWebhook(Path kubeconfig, int port, Path log) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(args.jvmFlags());
    // diagnostics only: GC pauses, to tell the webhook's own stalls from the machine's
    command.add("-Xlog:gc:file=" + log.resolveSibling("webhook-gc.log") + ":uptime");
    command.addAll(
        List.of(
            "-jar",
            args.jar().toString(),
            "--port=" + port,
            "--bind-address=127.0.0.1",
            "--namespace=" + WebhookTester.NAMESPACE,
            "--cert-secret=" + WebhookTester.SECRET,
            "--mutating-configuration=",
            "--validating-configuration=",
            "--kubeconfig=" + kubeconfig));
    line(
        "webhook process: `%s`",
        String.join(" ", command.subList(1, command.size()))
            .replace(kubeconfig.toString(), "<kubeconfig>"));
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("SIDECARSET_LOG_LEVEL", "warn");
    // as in the image: two malloc arenas instead of one per thread (RSS, not speed)
    builder.environment().put("MALLOC_ARENA_MAX", "2");
    Process process = builder.start();
    // never leave the server behind, even when this run is interrupted
    Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
    return process;
  }

  private static List<X509Certificate> awaitReady(
      WebhookTester api, InetSocketAddress address, Process webhook) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!webhook.isAlive()) {
        throw new IllegalStateException("webhook exited with " + webhook.exitValue());
      }
      try {
        if (api.secret() != null) {
          List<X509Certificate> ca = api.storedCa();
          HttpClient https = WebhookTester.httpsClient(ca);
          if (WebhookTester.get(https, address, "/readyz").statusCode() == 200) {
            return ca;
          }
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("webhook not ready within 60 s");
  }

  private void runPhases(InetSocketAddress address, List<X509Certificate> ca, Process webhook)
      throws Exception {
    SslContext ssl = SslContextBuilder.forClient().trustManager(ca).protocols("TLSv1.3").build();
    byte[] template = admissionBody();
    int uidOffset = indexOf(template, UID_TEMPLATE.getBytes(StandardCharsets.US_ASCII));
    String host = "127.0.0.1:" + address.getPort();
    long pid = webhook.pid();

    line("# Webhook admission load run");
    line("");
    line(
        "date: %s; machine: %s cores, %s; JVM %s",
        Instant.now(),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("java.version"));
    line(
        "request: AdmissionReview of a pod matched by 5 SidecarSets (1 HotUpgrade, 4 cold), %d bytes; answer: JSONPatch",
        template.length);
    line(
        "client: open loop, latency from due time, HTTP/1.1 keep-alive over TLS 1.3, at most %d connections, %d client thread(s)",
        args.maxConnections(), args.clientThreads());
    line("");

    try (OpenLoopTlsClient client =
        new OpenLoopTlsClient(address, ssl, args.clientThreads(), args.maxConnections())) {
      client.prewarm(4);
      // warm both JVMs gently first (client and server JIT), then at the target rate
      Phase ramp =
          phase(
              client,
              "warm-up ramp (discarded)",
              args.rate() / 5,
              Duration.ofSeconds(10),
              template,
              uidOffset,
              host,
              true,
              pid);
      Phase warm =
          phase(
              client,
              "warm-up (discarded)",
              args.rate(),
              args.warmup(),
              template,
              uidOffset,
              host,
              true,
              pid);
      Phase baseline =
          phase(
              client,
              "baseline GET /healthz",
              args.rate(),
              Duration.ofSeconds(Math.min(30, args.duration().toSeconds())),
              null,
              0,
              host,
              false,
              pid);
      HttpClient probe = WebhookTester.httpsClient(ca);
      Map<String, Double> serverBefore = serverBuckets(probe, address);
      Phase main =
          phase(
              client,
              "admission",
              args.rate(),
              args.duration(),
              template,
              uidOffset,
              host,
              true,
              pid);

      line(
          "| phase | rate/s | duration | sent | errors | p50 ms | p99 ms | p99.9 ms | max ms | webhook RSS max MiB | webhook CPU ms/request | machine load (1 min avg, start → end) |");
      line("|---|---|---|---|---|---|---|---|---|---|---|---|");
      for (Phase p : List.of(ramp, warm, baseline, main)) {
        line(p.row());
      }
      line("");
      line(
          "admission p50 / baseline p50 = %.2f; admission p99 / baseline p99 = %.2f",
          ms(main.result.latency(), 50) / ms(baseline.result.latency(), 50),
          ms(main.result.latency(), 99) / ms(baseline.result.latency(), 99));
      line(
          "goal at %.0f/s: p99 <= 5 ms: %s; zero errors: %s; RSS <= 256 MiB: %s (VmHWM %d MiB)",
          args.rate(),
          ms(main.result.latency(), 99) <= 5 ? "met" : "MISSED",
          main.result.failed() == 0 ? "met" : "MISSED",
          main.rssMaxKb / 1024 <= 256 ? "met" : "MISSED",
          vm(pid, "VmHWM") / 1024);
      Map<String, Double> serverAfter = serverBuckets(probe, address);
      double served = serverAfter.get("+Inf") - serverBefore.get("+Inf");
      line(
          "server side (request read → response written, the webhook's own histogram): <= 1 ms"
              + " %.2f%%, <= 2 ms %.2f%%, <= 5 ms %.2f%%, <= 10 ms %.2f%% of %.0f",
          100 * (serverAfter.get("0.001") - serverBefore.get("0.001")) / served,
          100 * (serverAfter.get("0.002") - serverBefore.get("0.002")) / served,
          100 * (serverAfter.get("0.005") - serverBefore.get("0.005")) / served,
          100 * (serverAfter.get("0.01") - serverBefore.get("0.01")) / served,
          served);
      if (main.result.firstFailure() != null) {
        line("first error: %s", main.result.firstFailure());
      }
      line("");

      line(
          "## Rate ladder (%d s per step; stops at the first step with p99 > %.0f ms or an error)",
          args.stepDuration().toSeconds(), P99_CEILING_MS);
      line("");
      line(
          "| phase | rate/s | duration | sent | errors | p50 ms | p99 ms | p99.9 ms | max ms | webhook RSS max MiB | webhook CPU ms/request | machine load (1 min avg, start → end) |");
      line("|---|---|---|---|---|---|---|---|---|---|---|---|");
      double best =
          main.result.failed() == 0 && ms(main.result.latency(), 99) <= P99_CEILING_MS
              ? args.rate()
              : 0;
      for (double rate : args.ladder()) {
        Phase step =
            phase(
                client,
                "admission",
                rate,
                args.stepDuration(),
                template,
                uidOffset,
                host,
                true,
                pid);
        line(step.row());
        if (step.result.failed() > 0 || ms(step.result.latency(), 99) > P99_CEILING_MS) {
          break;
        }
        best = rate;
      }
      line("");
      line(
          "highest rate with p99 <= %.0f ms and no errors: %.0f/s (webhook VmHWM %d MiB)",
          P99_CEILING_MS, best, vm(pid, "VmHWM") / 1024);
    }
  }

  /** One measured phase and what the webhook process used during it. */
  private final class Phase {
    final String name;
    final double rate;
    final Duration duration;
    Result result;
    long rssMaxKb;
    double cpuMsPerRequest;
    String loadStart;
    String loadEnd;

    Phase(String name, double rate, Duration duration) {
      this.name = name;
      this.rate = rate;
      this.duration = duration;
    }

    String row() {
      Histogram h = result.latency();
      return String.format(
          Locale.ROOT,
          "| %s | %.0f | %d s | %d | %d | %.2f | %.2f | %.2f | %.2f | %d | %.3f | %s → %s |",
          name,
          rate,
          duration.toSeconds(),
          result.sent(),
          result.failed(),
          ms(h, 50),
          ms(h, 99),
          ms(h, 99.9),
          h.getMaxValue() / 1e6,
          rssMaxKb / 1024,
          cpuMsPerRequest,
          loadStart,
          loadEnd);
    }
  }

  private Phase phase(
      OpenLoopTlsClient client,
      String name,
      double rate,
      Duration duration,
      byte[] template,
      int uidOffset,
      String host,
      boolean admission,
      long pid)
      throws Exception {
    Phase phase = new Phase(name, rate, duration);
    phase.loadStart = loadAverage();
    long cpuBefore = cpuTicks(pid);
    Thread sampler =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                phase.rssMaxKb = Math.max(phase.rssMaxKb, vm(pid, "VmRSS"));
                try {
                  Thread.sleep(250);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "rss-sampler");
    sampler.setDaemon(true);
    sampler.start();
    try {
      if (admission) {
        phase.result =
            client.run(
                rate,
                duration,
                Duration.ofSeconds(5),
                i ->
                    OpenLoopTlsClient.post(
                        "/mutate-pod?timeout=10s", host, bodyWithUid(template, uidOffset, i)),
                (i, response) -> response.status().code() == 200 && answers(response, i));
      } else {
        phase.result =
            client.run(
                rate,
                duration,
                Duration.ofSeconds(5),
                i -> OpenLoopTlsClient.get("/healthz", host),
                (i, response) -> response.status().code() == 200);
      }
    } finally {
      sampler.interrupt();
      sampler.join();
    }
    phase.loadEnd = loadAverage();
    long ticks = cpuTicks(pid) - cpuBefore;
    phase.cpuMsPerRequest = ticks * 10.0 / Math.max(1, phase.result.sent()); // USER_HZ = 100
    System.out.println(phase.row());
    return phase;
  }

  /** The answer echoes this request's uid and carries a JSON Patch. */
  private static boolean answers(FullHttpResponse response, long index) {
    String body = response.content().toString(StandardCharsets.UTF_8);
    return body.contains("\"uid\":\"" + uid(index) + "\"")
        && body.contains("\"patchType\":\"JSONPatch\"");
  }

  private static byte[] admissionBody() {
    Pod pod = WebhookFixtures.pod("web");
    return WebhookFixtures.reviewBody(
        WebhookFixtures.podRequest(UID_TEMPLATE, "CREATE", NAMESPACE, pod));
  }

  private static String uid(long index) {
    return String.format(Locale.ROOT, "00000000-0000-0000-0000-%012d", index);
  }

  private static byte[] bodyWithUid(byte[] template, int offset, long index) {
    byte[] body = template.clone();
    byte[] uid = uid(index).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(uid, 0, body, offset, uid.length);
    return body;
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalStateException("uid placeholder not in the request body");
  }

  private static double ms(Histogram h, double percentile) {
    return h.getValueAtPercentile(percentile) / 1e6;
  }

  /** A /proc/PID/status value in kB (VmRSS: now; VmHWM: peak). */
  private static long vm(long pid, String field) {
    try {
      for (String l : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (l.startsWith(field + ":")) {
          return Long.parseLong(l.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      // process gone
    }
    return 0;
  }

  /** The cumulative bucket counts of successful /mutate-pod requests, by upper bound. */
  private static Map<String, Double> serverBuckets(HttpClient https, InetSocketAddress address)
      throws Exception {
    Map<String, Double> buckets = new java.util.HashMap<>();
    String prefix =
        "sidecarset_webhook_requests_seconds_bucket{code=\"200\",endpoint=\"/mutate-pod\",le=\"";
    for (String metric : WebhookTester.get(https, address, "/metrics").body().split("\n")) {
      if (metric.startsWith(prefix)) {
        String le = metric.substring(prefix.length(), metric.indexOf('"', prefix.length()));
        buckets.put(le, Double.parseDouble(metric.substring(metric.lastIndexOf(' ') + 1)));
      }
    }
    for (String le : List.of("0.001", "0.002", "0.005", "0.01", "+Inf")) {
      buckets.putIfAbsent(le, 0.0);
    }
    return buckets;
  }

  /** The 1-minute load average: how busy the shared machine was. */
  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return "?";
    }
  }

  /** utime + stime of the process, in clock ticks. */
  private static long cpuTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException e) {
      return 0;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private void line(String format, Object... values) {
    String text = String.format(Locale.ROOT, format, values);
    report.append(text).append('\n');
    System.out.println(text);
  }
}
