package io.sidecarset.e2e;

import io.sidecarset.e2e.support.ClusterCondition;
import io.sidecarset.e2e.support.ClusterFixture;
import io.sidecarset.e2e.support.E2eSettings;
import io.sidecarset.e2e.support.HotProxyDemo;
import io.sidecarset.e2e.support.HotUpgradeRun;
import io.sidecarset.e2e.support.LoadProfiles;
import io.sidecarset.e2e.support.PlatformExtension;
import io.sidecarset.e2e.support.ProductImages;
import io.sidecarset.e2e.support.SidecarSetTester;
import java.nio.file.Files;
import java.time.Duration;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot upgrade under load (issue 7, scenario 1): the demo app behind the sample proxy, a HotUpgrade
 * sidecar, takes five consecutive proxy upgrades v1 → v2 → v1 … while an open-loop load of 600
 * requests per second (keep-alive, a new connection per request, HTTP/2; no retries) runs
 * throughout. Not one request is dropped, the pod is never recreated, the app never restarts, the
 * spare slot is back on the empty image after each upgrade, and the SidecarSet counts the pod as
 * updated and ready after each. Evidence: {@code target/e2e-report/hot-upgrade.json} and {@code
 * .svg}.
 */
@Order(4)
@ExtendWith({ClusterCondition.class, PlatformExtension.class})
class HotUpgradeE2E {

  private static final Logger LOG = LoggerFactory.getLogger(HotUpgradeE2E.class);
  static final int UPGRADES = 5;
  static final String REPORT = "hot-upgrade";

  private final SidecarSetTester tester = new SidecarSetTester(ClusterFixture.shared());

  @Test
  void fiveHotUpgradesUnderLoad_dropNothing_andNeverRestartThePod() throws Exception {
    try (HotProxyDemo demo = HotProxyDemo.start(tester, "hot", 120)) {
      HotUpgradeRun.Result result =
          new HotUpgradeRun(tester)
              .run(
                  demo.upgradeTarget(),
                  new HotUpgradeRun.Options(
                      UPGRADES,
                      LoadProfiles.RATE,
                      LoadProfiles.MIX,
                      Duration.ofSeconds(10),
                      Duration.ofSeconds(5),
                      Duration.ofSeconds(5),
                      Duration.ofSeconds(5),
                      LOG::info),
                  E2eSettings.reportDir(),
                  REPORT);
      demo.saveLogs(E2eSettings.reportDir().resolve("logs"), "hot-upgrade");
      LOG.info("load:\n{}", result.load().summary());
      LOG.info("report: {}, picture: {}", result.files().json(), result.files().picture());

      SoftAssertions soft = new SoftAssertions();
      soft.assertThat(result.failure()).as("the run finished").isNull();
      soft.assertThat(result.upgrades()).as("upgrades done").hasSize(UPGRADES);
      if (!result.upgrades().isEmpty()) {
        soft.assertThat(result.steadyState().dropped())
            .as(
                "dropped before any upgrade (%s): the cluster could not carry the offered load"
                    + " even in steady state (machine load average %.1f), so the run proves nothing"
                    + " about upgrades",
                result.steadyState().outcomes(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                    .getSystemLoadAverage())
            .isZero();
      }
      soft.assertThat(result.load().spec().ratePerSecond())
          .as("offered rate")
          .isGreaterThanOrEqualTo(500);
      soft.assertThat(result.load().dropped())
          .as("dropped requests, by outcome %s", result.load().outcomes())
          .isZero();
      soft.assertThat(result.load().notSent())
          .as("requests the generator could not send (inconclusive)")
          .isZero();
      soft.assertThat(result.load().provesZeroDropped()).isTrue();
      for (HotUpgradeRun.UpgradeRecord upgrade : result.upgrades()) {
        String which =
            "upgrade "
                + upgrade.number()
                + " ("
                + upgrade.fromImage()
                + " -> "
                + upgrade.toImage()
                + ")";
        soft.assertThat(upgrade.violations()).as(which + ": invariant breaches").isEmpty();
        soft.assertThat(upgrade.podUid()).as(which + ": pod uid").isEqualTo(result.podUidBefore());
        soft.assertThat(upgrade.appRestarts()).as(which + ": app restarts").isZero();
        soft.assertThat(upgrade.spareSlotImage())
            .as(which + ": spare slot " + upgrade.spareSlot())
            .isEqualTo(ProductImages.EMPTY);
        soft.assertThat(upgrade.servedVersion())
            .as(which + ": version serving after")
            .isEqualTo(ProductImages.versionOf(upgrade.toImage()));
        soft.assertThat(upgrade.status().getUpdatedReadyPods())
            .as(which + ": updated and ready pods")
            .isEqualTo(1);
      }
      soft.assertThat(Files.isRegularFile(result.files().json())).isTrue();
      soft.assertThat(Files.isRegularFile(result.files().picture())).isTrue();
      soft.assertAll();
    }
  }
}
