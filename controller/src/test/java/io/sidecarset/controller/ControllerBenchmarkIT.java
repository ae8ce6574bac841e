package io.sidecarset.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The controller on 1,000 matched pods of a real kube-apiserver (the test plays the kubelet): the
 * time from the SidecarSet change to the last pod patched for a cold rollout with maxUnavailable
 * 100%, and the controller process's resident memory. Baseline, measured in the same run on the
 * same pods: the test's own client patching every pod once, 16 at a time (the controller's default
 * parallelism) — the floor an apiserver on this machine allows.
 *
 * <p>Runs only under {@code -Pbenchmark}; writes {@code target/benchmark-controller.txt}.
 */
@EnabledIfSystemProperty(named = "benchmark.skip", matches = "false")
class ControllerBenchmarkIT {

  static final int PODS = 1000;
  static final String SET = "bench";

  @Test
  void coldRolloutOf1000Pods_timeToLastPatch_andResidentMemory() throws Exception {
    BareApiServer api = BareApiServer.shared();
    KubernetesClient client = api.client();
    RolloutTester tester = new RolloutTester(client, SET);
    try (FakeKubelet kubelet =
            new FakeKubelet(client, tester.namespace, image -> true, Duration.ofMillis(1000))
                .start();
        ControllerProcess controller =
            ControllerProcess.start(
                api.kubeconfig(), "bench-0", tester.namespace, "controller-benchmark.log")) {
      var set =
          tester.set(
              SET,
              RolloutTester.cold("log", "log:v1"),
              s -> s.setMaxUnavailable(new IntOrString("100%")));
      Thread.sleep(8000);
      double idleMiB = controller.residentMiB();

      long t = System.nanoTime();
      tester.createPods(set, PODS);
      RolloutTester.within(Duration.ofSeconds(300))
          .until(
              () ->
                  tester.pods().stream().filter(p -> !RolloutTester.unavailable(p)).count()
                      == PODS);
      double createSeconds = (System.nanoTime() - t) / 1e9;
      RolloutTester.within(Duration.ofSeconds(120))
          .until(
              () ->
                  tester.get(SET).getStatus() != null
                      && tester.get(SET).getStatus().getMatchedPods() == PODS);
      double cachedMiB = controller.residentMiB();

      Map<String, Long> patchedAt = new ConcurrentHashMap<>();
      Watch watch =
          client
              .pods()
              .inNamespace(tester.namespace)
              .watch(
                  new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Pod pod) {
                      if ("log:v2".equals(RolloutTester.image(pod, "log"))) {
                        patchedAt.putIfAbsent(pod.getMetadata().getName(), System.nanoTime());
                      }
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                  });
      long change = System.nanoTime();
      tester.setImage(SET, "log:v2");
      RolloutTester.within(Duration.ofSeconds(300)).until(() -> patchedAt.size() == PODS);
      double lastPatchSeconds =
          (patchedAt.values().stream().mapToLong(Long::longValue).max().orElseThrow() - change)
              / 1e9;
      double firstPatchSeconds =
          (patchedAt.values().stream().mapToLong(Long::longValue).min().orElseThrow() - change)
              / 1e9;
      RolloutTester.within(Duration.ofSeconds(300))
          .until(() -> tester.get(SET).getStatus().getUpdatedReadyPods() == PODS);
      double doneSeconds = (System.nanoTime() - change) / 1e9;
      watch.close();
      double peakMiB = controller.peakResidentMiB();
      double afterMiB = controller.residentMiB();

      double baselineSeconds = rawPatchSeconds(client, tester.namespace, tester.pods());

      String report =
          String.format(
              Locale.ROOT,
              "pods=%d%n"
                  + "create+ready (test, 16 parallel)=%.1f s%n"
                  + "change->first pod patched=%.2f s%n"
                  + "change->last pod patched=%.2f s%n"
                  + "change->status updatedReady=%d (fake kubelet, 1 s restart)=%.1f s%n"
                  + "baseline: test client, one JSON patch per pod, 16 parallel=%.2f s%n"
                  + "ratio last-patch/baseline=%.2f%n"
                  + "controller RSS idle=%.0f MiB, with %d pods cached=%.0f MiB, after rollout=%.0f MiB, peak (VmHWM)=%.0f MiB%n"
                  + "jvm flags=%s%n",
              PODS,
              createSeconds,
              firstPatchSeconds,
              lastPatchSeconds,
              PODS,
              doneSeconds,
              baselineSeconds,
              lastPatchSeconds / baselineSeconds,
              idleMiB,
              PODS,
              cachedMiB,
              afterMiB,
              peakMiB,
              System.getProperty(
                  "controller.jvm.flags", String.join(" ", ControllerProcess.IMAGE_JVM_FLAGS)));
      if (System.getProperty("controller.jvm.flags", "").contains("NativeMemoryTracking")) {
        var nmt =
            new ProcessBuilder(
                    "jcmd", Long.toString(controller.pid()), "VM.native_memory", "summary")
                .redirectErrorStream(true)
                .start();
        Files.write(
            Path.of("target", "benchmark-controller-nmt.txt"), nmt.getInputStream().readAllBytes());
      }
      System.out.println(report);
      Files.writeString(Path.of("target", "benchmark-controller.txt"), report);

      assertThat(lastPatchSeconds).as("change -> last pod patched (goal 30 s)").isLessThan(30);
      assertThat(peakMiB).as("controller peak resident memory (goal 256 MiB)").isLessThan(256);
    } finally {
      tester.close();
      client.close();
    }
  }

  /** The floor: one guarded JSON patch per pod from the test's client, 16 at a time. */
  static double rawPatchSeconds(KubernetesClient client, String namespace, List<Pod> pods)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      long start = System.nanoTime();
      List<CompletableFuture<Pod>> done = new ArrayList<>();
      for (Pod pod : pods) {
        String patch =
            "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\""
                + pod.getMetadata().getResourceVersion()
                + "\"},{\"op\":\"add\",\"path\":\"/metadata/annotations/bench~1touched\",\"value\":\""
                + Instant.now()
                + "\"}]";
        done.add(
            CompletableFuture.supplyAsync(
                () ->
                    client
                        .pods()
                        .inNamespace(namespace)
                        .withName(pod.getMetadata().getName())
                        .patch(PatchContext.of(PatchType.JSON), patch),
                pool));
      }
      done.forEach(CompletableFuture::join);
      return (System.nanoTime() - start) / 1e9;
    } finally {
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
