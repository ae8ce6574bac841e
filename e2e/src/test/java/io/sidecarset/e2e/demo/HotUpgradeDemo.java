package io.sidecarset.e2e.demo;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.Release;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.sidecarset.e2e.support.ChartStage;
import io.sidecarset.e2e.support.ClusterFixture;
import io.sidecarset.e2e.support.E2eSettings;
import io.sidecarset.e2e.support.HotUpgradeRun;
import io.sidecarset.e2e.support.LoadProfiles;
import io.sidecarset.e2e.support.PlatformInstaller;
import io.sidecarset.e2e.support.ProductImages;
import io.sidecarset.e2e.support.SidecarSetTester;
import io.sidecarset.e2e.support.TestWorkloads;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.opentest4j.TestAbortedException;

/**
 * What {@code demo.sh} runs once the cluster and the images exist: installs the platform (if not
 * yet) and the demo chart, then hot-upgrades the demo pod's proxy {@code --upgrades} times under
 * {@code --rate} requests per second, with a live progress line, and prints the zero-drop report
 * and where its picture is. The same run as {@code HotUpgradeE2E}, printed instead of asserted.
 *
 * <p>Usage: {@code HotUpgradeDemo [--upgrades N] [--rate R]}; exit 0 when nothing was dropped.
 */
public final class HotUpgradeDemo {

  static final String RELEASE = "demo";
  static final String NAMESPACE = "sidecarset-demo";
  static final String SIDECAR_SET = "demo-sidecarset-demo-proxy";
  static final Map<String, String> POD_LABELS =
      Map.of("app.kubernetes.io/name", "sidecarset-demo", "app.kubernetes.io/instance", RELEASE);

  private HotUpgradeDemo() {}

  public static void main(String[] args) throws Exception {
    int upgrades = 5;
    double rate = LoadProfiles.RATE;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--upgrades" -> upgrades = Integer.parseInt(args[++i]);
        case "--rate" -> rate = Double.parseDouble(args[++i]);
        default -> {
          System.err.println("usage: HotUpgradeDemo [--upgrades N] [--rate R]");
          System.exit(2);
        }
      }
    }
    PrintStream out = System.out;
    ClusterFixture cluster;
    try {
      cluster = ClusterFixture.shared();
    } catch (TestAbortedException e) {
      System.err.println("demo: " + e.getMessage());
      System.exit(3);
      return;
    }
    out.println("[demo] cluster: " + cluster.description());
    SidecarSetTester tester = new SidecarSetTester(cluster);
    PlatformInstaller platform = new PlatformInstaller(cluster);
    if (platform.isInstalled()) {
      out.println("[demo] platform already installed: waiting until it is ready");
      platform.awaitReady();
    } else {
      out.println("[demo] installing the platform (charts/sidecarset) ...");
      platform.install(Map.of());
    }
    int proxyPort = cluster.allocatePort();
    int appPort = cluster.allocatePort();
    installDemo(cluster, proxyPort, appPort);
    tester.awaitReadyPods(NAMESPACE, POD_LABELS, 1);
    tester.awaitRolledOut(SIDECAR_SET, 1);
    out.printf(
        Locale.ROOT,
        "[demo] demo pod ready; proxy on 127.0.0.1:%d, app on 127.0.0.1:%d%n",
        proxyPort,
        appPort);
    out.printf(
        Locale.ROOT,
        "[demo] %d hot upgrades under %.0f requests/s (keep-alive, new connection per request, HTTP/2; no retries)%n",
        upgrades,
        rate);

    HotUpgradeRun.Target target =
        new HotUpgradeRun.Target(
            NAMESPACE,
            POD_LABELS,
            SIDECAR_SET,
            proxyPort,
            List.of(ProductImages.Built.PROXY_V1, ProductImages.Built.PROXY_V2),
            ProductImages.Built.EMPTY);
    HotUpgradeRun.Result result =
        new HotUpgradeRun(tester)
            .run(
                target,
                new HotUpgradeRun.Options(
                    upgrades,
                    rate,
                    LoadProfiles.MIX,
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(1),
                    line -> out.print("\r\033[K[demo] " + line)),
                E2eSettings.reportDir(),
                "hot-upgrade-demo");
    out.println();
    out.println(result.load().summary());
    for (HotUpgradeRun.UpgradeRecord u : result.upgrades()) {
      out.printf(
          Locale.ROOT,
          "[demo] upgrade %d %s -> %s (%s -> %s): started +%d ms, migrated +%d ms, reset +%d ms, total %d ms; serving %s; pod uid %s; app restarts %d; spare slot %s on %s%n",
          u.number(),
          ProductImages.versionOf(u.fromImage()),
          ProductImages.versionOf(u.toImage()),
          u.steps().fromSlot(),
          u.steps().toSlot(),
          u.steps().patchToStarted().toMillis(),
          u.steps().startedToMigrated().toMillis(),
          u.steps().migratedToReset().toMillis(),
          u.steps().total().toMillis(),
          u.servedVersion(),
          u.podUid().equals(result.podUidBefore()) ? "unchanged" : "CHANGED",
          u.appRestarts(),
          u.spareSlot(),
          u.spareSlotImage());
    }
    boolean zero =
        result.failure() == null
            && result.upgrades().size() == upgrades
            && result.load().provesZeroDropped();
    out.println(
        "[demo] "
            + (zero
                ? "ZERO DROPPED"
                : "NOT PROVEN: "
                    + result.load().verdict()
                    + (result.failure() == null ? "" : "; " + result.failure())));
    out.println("[demo] report:  " + result.files().json());
    out.println("[demo] picture: " + result.files().picture());
    out.println(
        "[demo] the platform and the demo stay installed; remove them with: helm uninstall demo -n "
            + NAMESPACE
            + "; helm uninstall sidecarset -n "
            + PlatformInstaller.NAMESPACE);
    cluster.client().close();
    System.exit(zero ? 0 : 1);
  }

  /**
   * Installs charts/sidecarset-demo in two steps (the SidecarSet must exist before the pod is
   * created, and Helm creates custom resources last); a demo left from an earlier run is replaced.
   */
  private static void installDemo(ClusterFixture cluster, int proxyPort, int appPort) {
    String kubeconfig = cluster.kubeconfigYaml();
    boolean present =
        Helm.list()
            .all()
            .withNamespace(NAMESPACE)
            .withKubeConfigContents(kubeconfig)
            .call()
            .stream()
            .anyMatch(r -> RELEASE.equals(r.getName()));
    if (present) {
      System.out.println("[demo] replacing the demo left from an earlier run");
      Helm.uninstall(RELEASE).withNamespace(NAMESPACE).withKubeConfigContents(kubeconfig).call();
      new SidecarSetTester(cluster).deleteNamespaceAndAwaitGone(NAMESPACE);
    }
    if (cluster.client().namespaces().withName(NAMESPACE).get() == null) {
      cluster
          .client()
          .namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
          .create();
    }
    Path chart = ChartStage.stage(ChartStage.DEMO_CHART);
    // host network in every cluster: the load reaches the proxy on loopback
    Map<String, Object> values =
        Map.of(
            "local.enabled",
            true,
            "sidecarSet.proxy.listenAddress",
            cluster.podListenHost(),
            "sidecarSet.proxy.port",
            proxyPort,
            "app.port",
            appPort,
            "sidecarSet.proxy.postStartTimeoutSeconds",
            TestWorkloads.POST_START_TIMEOUT_SECONDS);
    var install =
        new Helm(chart)
            .install()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeConfigContents(kubeconfig)
            .set("app.enabled", false);
    var upgrade =
        new Helm(chart)
            .upgrade()
            .withName(RELEASE)
            .withNamespace(NAMESPACE)
            .withKubeConfigContents(kubeconfig)
            .set("app.enabled", true);
    values.forEach(install::set);
    values.forEach(upgrade::set);
    Release first = install.call();
    System.out.println("[demo] helm install demo (SidecarSet only): " + first.getStatus());
    new SidecarSetTester(cluster)
        .awaitWebhookInjects(
            TestWorkloads.idlePod(NAMESPACE, "demo-probe", POD_LABELS),
            io.sidecarset.api.HotUpgradeSlots.first(TestWorkloads.PROXY));
    Release second = upgrade.call();
    System.out.println("[demo] helm upgrade demo (the app): " + second.getStatus());
  }
}
