package io.sidecarset.e2e.support;

import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.k3s.K3sContainer;

/** k3s's containerd, driven through {@code crictl} inside the k3s container. */
final class K3sContainerRuntime implements ContainerRuntime {

  private final K3sContainer k3s;

  K3sContainerRuntime(K3sContainer k3s) {
    this.k3s = k3s;
  }

  @Override
  public Map<String, String> processEnvironment(Pod pod, String container) {
    String id = runningContainerId(pod, container);
    String pid =
        exec("crictl", "inspect", "--output", "go-template", "--template", "{{.info.pid}}", id)
            .trim();
    // base64 keeps the NUL separators intact through the exec's text output
    String encoded = exec("sh", "-c", "base64 -w0 /proc/" + pid + "/environ").trim();
    return ContainerRuntime.parseEnviron(Base64.getDecoder().decode(encoded));
  }

  @Override
  public void kill(Pod pod, String container) {
    String id = runningContainerId(pod, container);
    String pid =
        exec("crictl", "inspect", "--output", "go-template", "--template", "{{.info.pid}}", id)
            .trim();
    exec("kill", "-KILL", pid);
  }

  @Override
  public String logs(Pod pod, String container) {
    return exec("crictl", "logs", runningContainerId(pod, container));
  }

  @Override
  public Map<String, String> allLogs(Pod pod) {
    String ids =
        exec(
            "crictl",
            "ps",
            "--all",
            "--quiet",
            "--label",
            "io.kubernetes.pod.uid=" + pod.getMetadata().getUid());
    Map<String, String> logs = new java.util.LinkedHashMap<>();
    for (String id : ids.lines().map(String::trim).filter(s -> !s.isEmpty()).toList()) {
      String name =
          exec(
                  "crictl",
                  "inspect",
                  "--output",
                  "go-template",
                  "--template",
                  "{{.status.metadata.name}}",
                  id)
              .trim();
      logs.put(name + "." + id.substring(0, Math.min(12, id.length())), exec("crictl", "logs", id));
    }
    return logs;
  }

  /** k3s gets the images already pinned in the host's Docker (see {@link K3sCluster}). */
  @Override
  public void pin(String source, String target) {
    throw new UnsupportedOperationException("images are pinned before they are loaded into k3s");
  }

  @Override
  public List<String> missingImages(List<String> images) {
    String listed = exec("crictl", "images", "-o", "json");
    return images.stream().filter(image -> !listed.contains(image)).toList();
  }

  private String runningContainerId(Pod pod, String container) {
    String ids =
        exec(
            "crictl",
            "ps",
            "--quiet",
            "--state",
            "Running",
            "--label",
            "io.kubernetes.pod.uid=" + pod.getMetadata().getUid(),
            "--name",
            "^" + container + "$");
    return ids.lines()
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "no running container "
                        + container
                        + " of pod "
                        + pod.getMetadata().getName()));
  }

  private String exec(String... command) {
    try {
      ExecResult result = k3s.execInContainer(StandardCharsets.UTF_8, command);
      if (result.getExitCode() != 0) {
        throw new IllegalStateException(
            String.join(" ", command) + " failed in k3s: " + result.getStderr());
      }
      return result.getStdout();
    } catch (IOException e) {
      throw new IllegalStateException("cannot exec in k3s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
