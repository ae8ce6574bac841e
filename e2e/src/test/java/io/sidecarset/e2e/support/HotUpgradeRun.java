package io.sidecarset.e2e.support;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.sidecarset.api.HotUpgradeSlots;
import io.sidecarset.api.SampleProxyContract;
import io.sidecarset.api.v1alpha1.SidecarSetStatus;
import io.sidecarset.loadgen.LoadGenerator;
import io.sidecarset.loadgen.LoadReport;
import io.sidecarset.loadgen.LoadRun;
import io.sidecarset.loadgen.LoadSpec;
import io.sidecarset.loadgen.TrafficMix;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot-upgrades one pod's proxy sidecar several times, v1 → v2 → v1 …, under continuous open-loop
 * load (keep-alive, a new connection per request, HTTP/2; no retries), and records what happened:
 * every request's fate (loadgen), each upgrade's steps, and the state of the pod and the SidecarSet
 * after each. It decides nothing: the E2E scenario asserts on the {@link Result}, the demo prints
 * it. The report and the picture are written even when an upgrade does not finish.
 */
public final class HotUpgradeRun {

  private static final Logger LOG = LoggerFactory.getLogger(HotUpgradeRun.class);

  /**
   * What to drive.
   *
   * @param upgrades how many consecutive upgrades
   * @param ratePerSecond offered load
   * @param mix traffic kinds
   * @param steadyBefore load before the first upgrade (its latency is the steady-state baseline)
   * @param pauseBetween load between upgrades
   * @param cooldown load after the last upgrade
   * @param progressInterval how often {@code progress} gets a line
   * @param progress receives a one-line status while the run goes on
   */
  public record Options(
      int upgrades,
      double ratePerSecond,
      TrafficMix mix,
      Duration steadyBefore,
      Duration pauseBetween,
      Duration cooldown,
      Duration progressInterval,
      Consumer<String> progress) {}

  /**
   * The pod and set under test.
   *
   * @param namespace the pod's namespace
   * @param podLabels selects exactly the one pod
   * @param sidecarSet the SidecarSet whose proxy image is changed
   * @param proxyPort the proxy's host port
   * @param images the images to upgrade through in turn, starting with the current one
   * @param emptyImage the set's {@code hotUpgradeEmptyImage}
   */
  public record Target(
      String namespace,
      Map<String, String> podLabels,
      String sidecarSet,
      int proxyPort,
      List<String> images,
      String emptyImage) {}

  /**
   * What one upgrade left behind.
   *
   * @param number 1-based
   * @param steps when each step was seen
   * @param violations breaches of the hot-upgrade invariants seen during the upgrade
   * @param podUid the pod's uid after the upgrade
   * @param appRestarts the app container's restart count after the upgrade
   * @param spareSlot the slot that does not serve after the upgrade
   * @param spareSlotImage the image that slot runs (spec and status agree)
   * @param status the SidecarSet status after the upgrade
   * @param servedVersion the proxy version that answered a request after the upgrade
   */
  public record UpgradeRecord(
      int number,
      String fromImage,
      String toImage,
      HotUpgradeSteps steps,
      List<String> violations,
      String podUid,
      int appRestarts,
      String spareSlot,
      String spareSlotImage,
      SidecarSetStatus status,
      String servedVersion) {}

  /**
   * The run's outcome.
   *
   * @param load every request's fate
   * @param podUidBefore the pod's uid before the first upgrade
   * @param upgrades one record per finished upgrade
   * @param failure why the run stopped early, or null
   * @param files the report, picture and loadgen JSON written
   */
  public record Result(
      LoadReport load,
      String podUidBefore,
      List<UpgradeRecord> upgrades,
      Throwable failure,
      HotUpgradeReport.Files files) {

    /** The load before the first upgrade (after a 2 s warm-up). */
    public io.sidecarset.loadgen.WindowStats steadyState() {
      return HotUpgradeReport.steadyWindow(load);
    }
  }

  private final SidecarSetTester tester;
  private final Clock clock = Clock.systemUTC();

  public HotUpgradeRun(SidecarSetTester tester) {
    this.tester = tester;
  }

  /** Runs the upgrades; writes {@code <reportDir>/<name>.json|.svg} and the loadgen report. */
  public Result run(Target target, Options options, Path reportDir, String name)
      throws InterruptedException {
    Pod pod = onlyPod(target);
    String podUidBefore = pod.getMetadata().getUid();
    double loadAverageBefore = HotUpgradeReport.loadAverage();
    InetSocketAddress endpoint = tester.cluster().endpoint(target.proxyPort());
    // the duration is a bound, never reached: the run is stopped after the cooldown
    LoadSpec spec =
        LoadProfiles.standard(endpoint).toBuilder()
            .ratePerSecond(options.ratePerSecond())
            .mix(options.mix())
            .build();
    List<UpgradeRecord> records = new ArrayList<>();
    String[] phase = {"steady"};
    Throwable failure = null;
    LoadReport report;
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "progress"));
    try (LoadRun load = LoadGenerator.start(spec)) {
      ticker.scheduleAtFixedRate(
          () -> options.progress().accept(phase[0] + " | " + load.progress().toLine()),
          options.progressInterval().toMillis(),
          options.progressInterval().toMillis(),
          TimeUnit.MILLISECONDS);
      try {
        Thread.sleep(options.steadyBefore().toMillis());
        for (int i = 1; i <= options.upgrades(); i++) {
          String from = target.images().get((i - 1) % target.images().size());
          String to = target.images().get(i % target.images().size());
          phase[0] =
              "upgrade "
                  + i
                  + "/"
                  + options.upgrades()
                  + " "
                  + ProductImages.versionOf(from)
                  + "→"
                  + ProductImages.versionOf(to);
          records.add(upgradeOnce(i, target, from, to, load));
          saveLogs(target, reportDir.resolve("logs"), name + "-upgrade-" + i);
          phase[0] = "steady after upgrade " + i + "/" + options.upgrades();
          Thread.sleep(
              (i == options.upgrades() ? options.cooldown() : options.pauseBetween()).toMillis());
        }
      } catch (RuntimeException | AssertionError e) {
        failure = e;
        LOG.error("hot-upgrade run stopped: {}", e.toString());
      }
      load.stop();
      try {
        report = load.awaitCompletion(Duration.ofSeconds(60));
      } catch (TimeoutException e) {
        throw new IllegalStateException("the load run did not end within a minute of stop()", e);
      }
    } finally {
      ticker.shutdownNow();
    }
    HotUpgradeReport.Files files =
        HotUpgradeReport.write(
            reportDir,
            name,
            tester.cluster().description(),
            report,
            podUidBefore,
            records,
            options,
            failure,
            loadAverageBefore);
    return new Result(report, podUidBefore, List.copyOf(records), failure, files);
  }

  private UpgradeRecord upgradeOnce(
      int number, Target target, String from, String to, LoadRun load) {
    Pod before = onlyPod(target);
    load.mark(HotUpgradeReport.startMark(number));
    Instant patchedAt = clock.instant();
    tester.setImage(target.sidecarSet(), TestWorkloads.PROXY, to);
    HotUpgradeTracker tracker =
        new HotUpgradeTracker(
            before, TestWorkloads.PROXY, to, target.emptyImage(), patchedAt, clock);
    try {
      await("hot upgrade " + number + " of " + before.getMetadata().getName() + " to " + to)
          .atMost(Timeouts.HOT_UPGRADE)
          .pollInterval(Timeouts.FAST_POLL)
          .ignoreExceptionsInstanceOf(KubernetesClientException.class)
          .until(
              () ->
                  tracker.observe(tester.pod(target.namespace(), before.getMetadata().getName())));
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(
          "hot upgrade " + number + " did not finish: " + tracker.progress(), e);
    }
    load.mark(HotUpgradeReport.endMark(number));
    HotUpgradeSteps steps = tracker.steps();
    LOG.info(
        "upgrade {} {} -> {}: started +{} ms, migrated +{} ms, reset +{} ms (total {} ms)",
        number,
        steps.fromSlot(),
        steps.toSlot(),
        steps.patchToStarted().toMillis(),
        steps.startedToMigrated().toMillis(),
        steps.migratedToReset().toMillis(),
        steps.total().toMillis());
    SidecarSetStatus status = tester.awaitRolledOut(target.sidecarSet(), 1);
    Pod after = tester.pod(target.namespace(), before.getMetadata().getName());
    String spare = HotUpgradeSlots.other(tracker.toSlot()).orElseThrow();
    String spareImage =
        PodInspection.runs(after, spare, PodInspection.specImage(after, spare))
            ? PodInspection.specImage(after, spare)
            : "not running " + PodInspection.specImage(after, spare);
    return new UpgradeRecord(
        number,
        from,
        to,
        steps,
        tracker.violations(),
        after.getMetadata().getUid(),
        PodInspection.restartCount(after, TestWorkloads.APP_CONTAINER),
        spare,
        spareImage,
        status,
        servedVersion(target));
  }

  /**
   * Keeps the logs of the pod's containers as they are now (the kubelet keeps only the last exited
   * instance of a container, so an upgrade's old proxy log is gone two upgrades later).
   */
  private void saveLogs(Target target, Path dir, String prefix) {
    try {
      java.nio.file.Files.createDirectories(dir);
      for (var entry : tester.cluster().runtime().allLogs(onlyPod(target)).entrySet()) {
        java.nio.file.Files.writeString(
            dir.resolve(prefix + "-" + entry.getKey() + ".log"), entry.getValue());
      }
    } catch (RuntimeException | java.io.IOException e) {
      LOG.warn("container logs not saved: {}", e.toString());
    }
  }

  /** The {@code x-proxy-version} of one request, outside the measured load. */
  private String servedVersion(Target target) {
    InetSocketAddress endpoint = tester.cluster().endpoint(target.proxyPort());
    try {
      HttpClient http =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(5))
              .build();
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.getPort() + "/"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.headers().firstValue(SampleProxyContract.VERSION_HEADER).orElse("none");
    } catch (java.io.IOException e) {
      return "error: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private Pod onlyPod(Target target) {
    List<Pod> pods = tester.pods(target.namespace(), target.podLabels());
    if (pods.size() != 1) {
      throw new IllegalStateException(
          "expected one pod " + target.podLabels() + ", found " + pods.size());
    }
    return pods.get(0);
  }

  private static Thread daemon(Runnable r, String name) {
    Thread thread = new Thread(r, name);
    thread.setDaemon(true);
    return thread;
  }
}
