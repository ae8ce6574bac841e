package io.sidecarset.e2e.support;

import io.fabric8.kubernetes.api.model.Pod;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The Docker engine of the local cluster (the kubelet runs pods through dockershim on this same
 * machine), driven through the {@code docker} CLI. Containers are found by the labels dockershim
 * puts on them ({@code io.kubernetes.pod.uid}, {@code io.kubernetes.container.name}); a process's
 * environment is read from the host's {@code /proc}, since the container runs on this kernel.
 */
final class DockerContainerRuntime implements ContainerRuntime {

  private static final String POD_UID_LABEL = "io.kubernetes.pod.uid";
  private static final String CONTAINER_NAME_LABEL = "io.kubernetes.container.name";
  private static final long COMMAND_TIMEOUT_SECONDS = 30;

  @Override
  public Map<String, String> processEnvironment(Pod pod, String container) {
    String pid =
        docker("inspect", "--format", "{{.State.Pid}}", runningContainerId(pod, container)).trim();
    try {
      return ContainerRuntime.parseEnviron(Files.readAllBytes(Path.of("/proc", pid, "environ")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the environment of pid " + pid, e);
    }
  }

  @Override
  public void kill(Pod pod, String container) {
    docker("kill", "--signal", "KILL", runningContainerId(pod, container));
  }

  @Override
  public String logs(Pod pod, String container) {
    return docker("logs", runningContainerId(pod, container));
  }

  @Override
  public Map<String, String> allLogs(Pod pod) {
    String ids =
        docker(
            "ps",
            "--all",
            "--quiet",
            "--filter",
            "label=" + POD_UID_LABEL + "=" + pod.getMetadata().getUid(),
            "--filter",
            "label=io.kubernetes.docker.type=container");
    List<String> containers =
        new ArrayList<>(ids.lines().map(String::trim).filter(s -> !s.isEmpty()).toList());
    java.util.Collections.reverse(containers); // docker ps lists the newest first
    Map<String, String> logs = new java.util.LinkedHashMap<>();
    Map<String, Integer> seen = new java.util.HashMap<>();
    for (String id : containers) {
      String name =
          docker(
                  "inspect",
                  "--format",
                  "{{index .Config.Labels \"" + CONTAINER_NAME_LABEL + "\"}}",
                  id)
              .trim();
      int n = seen.merge(name, 1, Integer::sum);
      logs.put(name + "." + n, docker("logs", "--timestamps", id));
    }
    return logs;
  }

  /** {@code FROM source} plus a label, built with the classic builder (local images only). */
  @Override
  public void pin(String source, String target) {
    Path dockerfile = null;
    try {
      dockerfile = Files.createTempFile("pin-", ".Dockerfile");
      Files.writeString(dockerfile, "FROM " + source + "\n");
      Path output = Files.createTempFile("pin-", ".out");
      ProcessBuilder builder =
          new ProcessBuilder(
                  "docker",
                  "build",
                  "--quiet",
                  "--tag",
                  target,
                  "--label",
                  "io.sidecarset.e2e.pinned-from=" + source,
                  "-")
              .redirectErrorStream(true)
              .redirectInput(dockerfile.toFile())
              .redirectOutput(output.toFile());
      builder.environment().put("DOCKER_BUILDKIT", "0");
      Process process = builder.start();
      if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("pinning " + source + " as " + target + " timed out");
      }
      String text = Files.readString(output);
      output.toFile().delete();
      if (process.exitValue() != 0) {
        throw new IllegalStateException("pinning " + source + " as " + target + " failed: " + text);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot pin " + source, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (dockerfile != null) {
        dockerfile.toFile().delete();
      }
    }
  }

  @Override
  public List<String> missingImages(List<String> images) {
    List<String> missing = new ArrayList<>();
    for (String image : images) {
      if (run("docker", "image", "inspect", "--format", "{{.Id}}", image).exitCode != 0) {
        missing.add(image);
      }
    }
    return missing;
  }

  private String runningContainerId(Pod pod, String container) {
    String ids =
        docker(
            "ps",
            "--quiet",
            "--filter",
            "label=" + POD_UID_LABEL + "=" + pod.getMetadata().getUid(),
            "--filter",
            "label=" + CONTAINER_NAME_LABEL + "=" + container);
    List<String> running = ids.lines().map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (running.isEmpty()) {
      throw new IllegalStateException(
          "no running container " + container + " of pod " + pod.getMetadata().getName());
    }
    return running.get(0); // docker ps lists the newest first
  }

  private static String docker(String... args) {
    List<String> command = new ArrayList<>();
    command.add("docker");
    command.addAll(List.of(args));
    Result result = run(command.toArray(String[]::new));
    if (result.exitCode != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + " failed (" + result.exitCode + "): " + result.output);
    }
    return result.output;
  }

  private record Result(int exitCode, String output) {}

  private static Result run(String... command) {
    Path output = null;
    try {
      // output to a file, so that a hung command is bounded by waitFor and not by a blocking read
      output = Files.createTempFile("docker-", ".out");
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(output.toFile())
              .start();
      if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " timed out");
      }
      return new Result(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
    } finally {
      if (output != null) {
        output.toFile().delete();
      }
    }
  }
}
