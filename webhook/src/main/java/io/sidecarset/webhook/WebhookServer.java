package io.sidecarset.webhook;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.sidecarset.core.inject.SidecarInjector;
import io.sidecarset.core.validate.RevisionLookup;
import io.sidecarset.core.validate.SidecarSetValidator;
import io.sidecarset.webhook.admission.AdmissionHandler;
import io.sidecarset.webhook.admission.AdmissionWarmup;
import io.sidecarset.webhook.admission.PodMutationHandler;
import io.sidecarset.webhook.admission.SidecarSetValidationHandler;
import io.sidecarset.webhook.cluster.ClusterCache;
import io.sidecarset.webhook.cluster.InformerClusterCache;
import io.sidecarset.webhook.metrics.WebhookMetrics;
import io.sidecarset.webhook.tls.CaBundlePublisher;
import io.sidecarset.webhook.tls.CertificateIssuer;
import io.sidecarset.webhook.tls.CertificateRenewalPolicy;
import io.sidecarset.webhook.tls.CertificateSource;
import io.sidecarset.webhook.tls.MountedCertificates;
import io.sidecarset.webhook.tls.ReloadableSslContext;
import io.sidecarset.webhook.tls.SelfManagedCertificates;
import io.sidecarset.webhook.tls.ServingCertificate;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admission webhook process: Kubernetes informers feed an in-memory cache, a certificate source
 * keeps TLS current, and a Netty HTTPS server answers {@code /mutate-pod}, {@code
 * /validate-sidecarset}, {@code /healthz}, {@code /readyz} and {@code /metrics}. Start with {@link
 * #main}, or embed with {@link #start} (tests do).
 */
public final class WebhookServer implements AutoCloseable {

  static {
    // before the first logger exists: slf4j-simple reads its level once
    WebhookConfig.configureLogging(System.getenv());
  }

  private static final Logger LOG = LoggerFactory.getLogger(WebhookServer.class);
  private static final Duration MOUNTED_POLL_CEILING = Duration.ofSeconds(10);
  private static final Duration WARMUP_BUDGET = Duration.ofSeconds(8);

  private final ClusterCache cache;
  private final CertificateSource certificates;
  private final WebhookMetrics metrics;
  private final EventLoopGroup bossGroup;
  private final EventLoopGroup workerGroup;
  private final Channel serverChannel;
  private final AtomicBoolean draining;

  private WebhookServer(
      ClusterCache cache,
      CertificateSource certificates,
      WebhookMetrics metrics,
      EventLoopGroup bossGroup,
      EventLoopGroup workerGroup,
      Channel serverChannel,
      AtomicBoolean draining) {
    this.draining = draining;
    this.cache = cache;
    this.certificates = certificates;
    this.metrics = metrics;
    this.bossGroup = bossGroup;
    this.workerGroup = workerGroup;
    this.serverChannel = serverChannel;
  }

  public static void main(String[] args) throws InterruptedException {
    WebhookConfig config = WebhookConfig.from(System.getenv(), args);
    KubernetesClient client =
        new KubernetesClientBuilder().withConfig(clientConfig(config)).build();
    WebhookServer server = start(config, client, Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.drainThenClose(config.shutdownDelay());
                  client.close();
                  stopped.countDown();
                },
                "shutdown"));
    stopped.await();
  }

  /**
   * Starts the webhook: informers (not awaited; admission answers 503 until they sync), the
   * certificate (awaited), then the listener. {@code client} stays the caller's to close.
   */
  public static WebhookServer start(WebhookConfig config, KubernetesClient client, Clock clock)
      throws InterruptedException {
    WebhookMetrics metrics = new WebhookMetrics();
    ClusterCache cache = InformerClusterCache.start(client);
    ReloadableSslContext ssl = new ReloadableSslContext();
    metrics.certificateExpiry(
        () -> {
          ServingCertificate current = ssl.certificate();
          return current == null ? null : current.leaf().getNotAfter().getTime() / 1000.0;
        });
    CertificateSource certificates = certificateSource(config, client, ssl, clock);
    try {
      certificates.start();
    } catch (RuntimeException e) {
      cache.close();
      throw e;
    }

    Readiness readiness =
        () -> {
          if (!ssl.loaded()) {
            return Optional.of("no serving certificate");
          }
          if (!cache.synced()) {
            return Optional.of("SidecarSet and Namespace caches not synced");
          }
          return Optional.empty();
        };
    Map<String, AdmissionHandler> endpoints =
        Map.of(
            PodMutationHandler.ENDPOINT,
            new PodMutationHandler(cache, new SidecarInjector(clock), metrics),
            SidecarSetValidationHandler.ENDPOINT,
            new SidecarSetValidationHandler(
                cache, new SidecarSetValidator(RevisionLookup.ANY, cache::namespaceLabels)));
    AtomicBoolean draining = new AtomicBoolean();
    Readiness probeReadiness =
        () -> draining.get() ? Optional.of("shutting down") : readiness.notReadyReason();
    WebhookServerHandler handler =
        new WebhookServerHandler(endpoints, readiness, probeReadiness, metrics);

    // while the informers sync: compile the admission path before the first real request
    long warmStart = System.nanoTime();
    int rounds = AdmissionWarmup.run(config.warmupRounds(), WARMUP_BUDGET, clock);
    LOG.info(
        "admission path warmed up: {} rounds in {} ms",
        rounds,
        (System.nanoTime() - warmStart) / 1_000_000);

    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    EventLoopGroup bossGroup = new MultiThreadIoEventLoopGroup(1, io);
    EventLoopGroup workerGroup = new MultiThreadIoEventLoopGroup(config.ioThreads(), io);
    Class<? extends ServerChannel> channelType =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    try {
      Channel channel =
          new ServerBootstrap()
              .group(bossGroup, workerGroup)
              .channel(channelType)
              .option(ChannelOption.SO_BACKLOG, 1024)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childHandler(
                  new WebhookServerInitializer(ssl, handler, metrics, config.maxRequestBytes()))
              .bind(config.bindAddress(), config.port())
              .sync()
              .channel();
      LOG.info(
          "listening on https://{}:{} ({}; certificates {})",
          ((InetSocketAddress) channel.localAddress()).getHostString(),
          ((InetSocketAddress) channel.localAddress()).getPort(),
          epoll ? "epoll" : "nio",
          config.mountedCertificates() ? "from " + config.certDir().get() : "self-managed");
      return new WebhookServer(
          cache, certificates, metrics, bossGroup, workerGroup, channel, draining);
    } catch (InterruptedException | RuntimeException e) {
      bossGroup.shutdownGracefully();
      workerGroup.shutdownGracefully();
      certificates.close();
      cache.close();
      throw e;
    }
  }

  private static CertificateSource certificateSource(
      WebhookConfig config, KubernetesClient client, ReloadableSslContext ssl, Clock clock) {
    if (config.mountedCertificates()) {
      Duration poll =
          config.certCheckInterval().compareTo(MOUNTED_POLL_CEILING) < 0
              ? config.certCheckInterval()
              : MOUNTED_POLL_CEILING;
      return new MountedCertificates(
          config.certDir().get(),
          poll,
          config.certCheckInterval(),
          ssl,
          new CaBundlePublisher(
              client, config.mutatingConfigurationName(), config.validatingConfigurationName()));
    }
    return new SelfManagedCertificates(
        client,
        config.namespace(),
        config.secretName(),
        config.servingNames(),
        config.certCheckInterval(),
        new CertificateIssuer(),
        new CertificateRenewalPolicy(config.certRenewBefore()),
        new CaBundlePublisher(
            client, config.mutatingConfigurationName(), config.validatingConfigurationName()),
        ssl,
        clock);
  }

  static Config clientConfig(WebhookConfig config) {
    return config
        .kubeconfig()
        .map(path -> Config.fromKubeconfig(path.toFile()))
        .orElseGet(() -> Config.autoConfigure(null));
  }

  /** The address the server listens on (the real port when configured with 0). */
  public InetSocketAddress localAddress() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /**
   * The polite stop on SIGTERM: {@code /readyz} fails at once, so the pod leaves the Service's
   * endpoints, while admissions go on being answered for {@code delay} (the apiserver may still
   * send some until the endpoint change reaches it); then {@link #close}.
   */
  public void drainThenClose(Duration delay) {
    draining.set(true);
    LOG.info("shutting down: /readyz fails now, serving {} more", delay);
    try {
      Thread.sleep(delay.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    close();
  }

  /** Stops accepting, lets in-flight requests finish briefly, then stops the background work. */
  @Override
  public void close() {
    serverChannel.close().syncUninterruptibly();
    bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workerGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    certificates.close();
    cache.close();
    metrics.close();
    LOG.info("stopped");
  }
}
