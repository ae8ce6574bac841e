package io.sidecarset.controller;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.sidecarset.api.v1alpha1.SidecarSet;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real etcd + kube-apiserver for the ITs, started once per test JVM by {@code
 * e2e/cluster/bare-apiserver.sh} (no kubelet: {@link FakeKubelet} plays it) and stopped when the
 * JVM exits. The SidecarSet CRD is created from the YAML the api module generates.
 */
final class BareApiServer {

  private static BareApiServer shared;

  private final Path dir;
  private final Path kubeconfig;

  private BareApiServer(Path dir, Path kubeconfig) {
    this.dir = dir;
    this.kubeconfig = kubeconfig;
  }

  /** The JVM's apiserver, started on first use. */
  static synchronized BareApiServer shared() {
    if (shared == null) {
      shared = start();
    }
    return shared;
  }

  private static BareApiServer start() {
    String script = System.getProperty("bare.apiserver.script");
    if (script == null || !Files.isExecutable(Path.of(script))) {
      throw new IllegalStateException(
          "bare-apiserver.sh not found (system property bare.apiserver.script=" + script + ")");
    }
    Path dir =
        Path.of("target", "bare-apiserver-" + ProcessHandle.current().pid()).toAbsolutePath();
    List<String> out = run(Duration.ofMinutes(20), script, "start", dir.toString());
    Path kubeconfig = Path.of(out.get(out.size() - 1).trim());
    BareApiServer server = new BareApiServer(dir, kubeconfig);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> run(Duration.ofSeconds(60), script, "stop", dir.toString())));
    try (KubernetesClient client = server.client()) {
      server.createCrd(client);
    }
    return server;
  }

  Path kubeconfig() {
    return kubeconfig;
  }

  Path dir() {
    return dir;
  }

  /** A new client for this apiserver (the caller closes it). */
  KubernetesClient client() {
    try {
      Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
      config.setRequestTimeout(30_000);
      return new KubernetesClientBuilder().withConfig(config).build();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + kubeconfig, e);
    }
  }

  private void createCrd(KubernetesClient client) {
    Path crd = Path.of(System.getProperty("crd.path"));
    try (var in = Files.newInputStream(crd)) {
      CustomResourceDefinition definition =
          client.apiextensions().v1().customResourceDefinitions().load(in).item();
      client.resource(definition).createOr(r -> r.update());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the CRD " + crd + " (build api first)", e);
    }
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(SidecarSet.CRD_NAME)
        .waitUntilCondition(
            d ->
                d != null
                    && d.getStatus() != null
                    && d.getStatus().getConditions() != null // none yet right after create
                    && d.getStatus().getConditions().stream()
                        .anyMatch(
                            c -> "Established".equals(c.getType()) && "True".equals(c.getStatus())),
            60,
            TimeUnit.SECONDS);
  }

  private static List<String> run(Duration timeout, String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
      List<String> lines = new ArrayList<>();
      Thread errors =
          new Thread(
              () ->
                  p.errorReader()
                      .lines()
                      .forEach(l -> System.err.println("[bare-apiserver] " + l)));
      errors.setDaemon(true);
      errors.start();
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        r.lines().forEach(lines::add);
      }
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " timed out");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue());
      }
      return lines;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
