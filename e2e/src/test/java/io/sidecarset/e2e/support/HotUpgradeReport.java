package io.sidecarset.e2e.support;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sidecarset.loadgen.LoadReport;
import io.sidecarset.loadgen.Outcome;
import io.sidecarset.loadgen.SecondStats;
import io.sidecarset.loadgen.TrafficKind;
import io.sidecarset.loadgen.WindowStats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * Writes the zero-drop evidence of a hot-upgrade run: {@code <name>.json} (the summary: offered
 * rate, requests, drops by kind and by outcome, latency percentiles for the steady state and for
 * each upgrade window, the duration of each upgrade step), {@code <name>.svg} (throughput, drops
 * and p99 over time, upgrades shaded) and {@code <name>-loadgen.json} (loadgen's full report, per
 * second).
 */
public final class HotUpgradeReport {

  /** The files written. */
  public record Files(Path json, Path picture, Path loadgen) {}

  /** Label of the load mark set when upgrade {@code n} is patched. */
  static String startMark(int n) {
    return "upgrade-" + n + " start";
  }

  /** Label of the load mark set when upgrade {@code n} has reset its old slot. */
  static String endMark(int n) {
    return "upgrade-" + n + " end";
  }

  private static final double WARMUP_SECONDS = 2;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private HotUpgradeReport() {}

  static Files write(
      Path dir,
      String name,
      String cluster,
      LoadReport load,
      String podUid,
      List<HotUpgradeRun.UpgradeRecord> upgrades,
      HotUpgradeRun.Options options,
      Throwable failure,
      double loadAverageBefore) {
    try {
      java.nio.file.Files.createDirectories(dir);
      Path json = dir.resolve(name + ".json");
      Path picture = dir.resolve(name + ".svg");
      Path loadgen = dir.resolve(name + "-loadgen.json");
      load.writeJson(loadgen);
      ObjectNode root = summary(name, cluster, load, podUid, upgrades, options, failure);
      ObjectNode machine = root.putObject("machine");
      machine.put("cores", Runtime.getRuntime().availableProcessors());
      machine.put("loadAverage1mBefore", round(loadAverageBefore));
      machine.put("loadAverage1mAfter", round(loadAverage()));
      machine.put(
          "generatorDispatchLagP99Millis", millis(load.dispatchLag().getValueAtPercentile(99)));
      root.put("picture", picture.getFileName().toString());
      root.put("loadgenReport", loadgen.getFileName().toString());
      java.nio.file.Files.writeString(json, JSON.writeValueAsString(root));
      java.nio.file.Files.writeString(picture, picture(name, load, upgrades, options));
      return new Files(json, picture, loadgen);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the hot-upgrade report to " + dir, e);
    }
  }

  static ObjectNode summary(
      String name,
      String cluster,
      LoadReport load,
      String podUid,
      List<HotUpgradeRun.UpgradeRecord> upgrades,
      HotUpgradeRun.Options options,
      Throwable failure) {
    ObjectNode root = JSON.createObjectNode();
    root.put("scenario", name);
    root.put("generatedAt", Instant.now().toString());
    root.put("cluster", cluster);
    root.put("upgrades", upgrades.size());
    root.put("upgradesPlanned", options.upgrades());
    root.put("offeredRps", load.spec().ratePerSecond());
    root.put("achievedRps", round(load.achievedRatePerSecond()));
    ObjectNode mix = root.putObject("mix");
    for (TrafficKind kind : TrafficKind.values()) {
      mix.put(kind.label(), load.spec().mix().weight(kind));
    }
    root.put("retries", 0);
    root.put(
        "durationSeconds",
        round(Duration.between(load.startedAt(), load.endedAt()).toMillis() / 1000.0));
    root.put("requests", load.requests());
    root.put("sent", load.sent());
    root.put("ok", load.ok());
    root.put("dropped", load.dropped());
    root.put("notSent", load.notSent());
    root.put(
        "zeroDropped",
        load.provesZeroDropped() && failure == null && upgrades.size() == options.upgrades());
    root.put("verdict", load.verdict());
    ObjectNode byKind = root.putObject("droppedByKind");
    for (TrafficKind kind : TrafficKind.values()) {
      long ok = load.outcomes(kind).get(Outcome.OK);
      byKind.put(kind.label(), load.sent(kind) - ok);
    }
    ObjectNode byOutcome = root.putObject("droppedByOutcome");
    load.outcomes()
        .forEach(
            (outcome, count) -> {
              if (outcome.isDrop()) {
                byOutcome.put(outcome.label(), count);
              }
            });
    root.put("podUid", podUid);
    if (failure != null) {
      root.put("failure", failure.toString());
    }

    ObjectNode latency = root.putObject("latencyMillis");
    latency.set("overall", latencyNode(load.latency()));
    if (!upgrades.isEmpty()) {
      WindowStats steady = steadyWindow(load);
      latency.set("steady", windowNode(steady));
      WindowStats after = load.window(endMark(upgrades.size()), null);
      latency.set("afterLastUpgrade", windowNode(after));
    }

    ArrayNode steps = root.putArray("upgradeSteps");
    for (HotUpgradeRun.UpgradeRecord u : upgrades) {
      ObjectNode step = steps.addObject();
      step.put("upgrade", u.number());
      step.put("from", u.fromImage());
      step.put("to", u.toImage());
      step.put("fromSlot", u.steps().fromSlot());
      step.put("toSlot", u.steps().toSlot());
      step.put("patchToStartedMs", u.steps().patchToStarted().toMillis());
      step.put("startedToMigratedMs", u.steps().startedToMigrated().toMillis());
      step.put("migratedToResetMs", u.steps().migratedToReset().toMillis());
      step.put("totalMs", u.steps().total().toMillis());
      step.put("servedVersionAfter", u.servedVersion());
      step.put("spareSlot", u.spareSlot());
      step.put("spareSlotImage", u.spareSlotImage());
      step.put("appRestarts", u.appRestarts());
      step.put("podUid", u.podUid());
      ObjectNode status = step.putObject("sidecarSetStatus");
      status.put("matched", u.status().getMatchedPods());
      status.put("updated", u.status().getUpdatedPods());
      status.put("ready", u.status().getReadyPods());
      status.put("updatedReady", u.status().getUpdatedReadyPods());
      ArrayNode violations = step.putArray("violations");
      u.violations().forEach(violations::add);
      step.set("window", windowNode(load.window(startMark(u.number()), endMark(u.number()))));
    }
    return root;
  }

  /**
   * The steady state before the first upgrade, after a warm-up: the run's own baseline, and the
   * proof that the machine carried the offered load before anything was upgraded.
   */
  static WindowStats steadyWindow(LoadReport load) {
    return load.window(
        Duration.ofMillis((long) (WARMUP_SECONDS * 1000)), markOffset(load, startMark(1)));
  }

  private static Duration markOffset(LoadReport load, String label) {
    return load.marks().stream()
        .filter(m -> m.label().equals(label))
        .findFirst()
        .orElseThrow()
        .offset();
  }

  private static ObjectNode windowNode(WindowStats window) {
    ObjectNode node = JSON.createObjectNode();
    node.put("fromSeconds", round(window.from().toMillis() / 1000.0));
    node.put("toSeconds", round(window.to().toMillis() / 1000.0));
    node.put("requests", window.requests());
    node.put("ok", window.ok());
    node.put("dropped", window.dropped());
    node.put("notSent", window.notSent());
    node.set("latencyMillis", latencyNode(window.latencyMicros()));
    return node;
  }

  private static ObjectNode latencyNode(Histogram micros) {
    ObjectNode node = JSON.createObjectNode();
    node.put("count", micros.getTotalCount());
    if (micros.getTotalCount() > 0) {
      node.put("p50", millis(micros.getValueAtPercentile(50)));
      node.put("p90", millis(micros.getValueAtPercentile(90)));
      node.put("p99", millis(micros.getValueAtPercentile(99)));
      node.put("p999", millis(micros.getValueAtPercentile(99.9)));
      node.put("max", millis(micros.getMaxValue()));
    }
    return node;
  }

  static String picture(
      String name,
      LoadReport load,
      List<HotUpgradeRun.UpgradeRecord> upgrades,
      HotUpgradeRun.Options options) {
    List<TimelineSvg.Second> seconds = new ArrayList<>();
    List<SecondStats> perSecond = load.perSecond();
    for (int i = 0; i < perSecond.size(); i++) {
      SecondStats s = perSecond.get(i);
      boolean partialLast =
          i == perSecond.size() - 1 && s.sent() + s.notSent() < load.spec().ratePerSecond() * 0.99;
      if (!partialLast) { // the run is stopped mid-second: its last second is not a full one
        seconds.add(
            new TimelineSvg.Second(s.second(), s.ok(), s.dropped(), s.p99Micros() / 1000.0));
      }
    }
    List<TimelineSvg.Window> windows = new ArrayList<>();
    for (HotUpgradeRun.UpgradeRecord u : upgrades) {
      double from = markOffset(load, startMark(u.number())).toMillis() / 1000.0;
      double to = markOffset(load, endMark(u.number())).toMillis() / 1000.0;
      windows.add(
          new TimelineSvg.Window(
              u.number()
                  + ": "
                  + ProductImages.versionOf(u.fromImage())
                  + "→"
                  + ProductImages.versionOf(u.toImage()),
              from,
              to));
    }
    String title =
        String.format(
            Locale.ROOT,
            "%s: %d hot upgrades, %d requests, %d dropped%n%.0f req/s offered open loop (%s),"
                + " no retries; upgrades shaded",
            name,
            upgrades.size(),
            load.requests(),
            load.dropped(),
            load.spec().ratePerSecond(),
            load.spec().mix());
    return TimelineSvg.render(title, seconds, windows, load.spec().ratePerSecond());
  }

  /** The machine's 1-minute load average (a shared machine: context for the latency figures). */
  static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static double millis(long micros) {
    return round(micros / 1000.0);
  }

  private static double round(double value) {
    return Math.round(value * 1000.0) / 1000.0;
  }
}
