package io.sidecarset.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NamespaceDeletionTest {

  private static final String DELETING = "2026-11-26T11:28:05Z";

  static Stream<Arguments> pods() {
    return Stream.of(
        Arguments.of("not deleted, no status yet", pod(null), false),
        Arguments.of("not deleted, running", pod(null, "running"), false),
        Arguments.of(
            "deleted, one of two still running", pod(DELETING, "terminated", "running"), false),
        Arguments.of(
            "deleted, an init container still running", podWithInit(DELETING, "running"), false),
        Arguments.of(
            "deleted, every container terminated", pod(DELETING, "terminated", "terminated"), true),
        Arguments.of("deleted before any container started", pod(DELETING, "waiting"), true),
        Arguments.of("deleted, no status reported", pod(DELETING), true));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pods")
  void stopped_onlyOnceDeletedAndNoContainerRuns(String scenario, Pod pod, boolean stopped) {
    assertThat(NamespaceDeletion.stopped(pod)).isEqualTo(stopped);
  }

  private static Pod pod(String deletionTimestamp, String... states) {
    PodBuilder pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("p")
            .withDeletionTimestamp(deletionTimestamp)
            .endMetadata()
            .withNewStatus()
            .endStatus();
    for (int i = 0; i < states.length; i++) {
      pod.editStatus().addToContainerStatuses(status("c" + i, states[i])).endStatus();
    }
    return pod.build();
  }

  private static Pod podWithInit(String deletionTimestamp, String initState) {
    Pod pod = pod(deletionTimestamp);
    pod.getStatus().getInitContainerStatuses().add(status("init", initState));
    return pod;
  }

  private static ContainerStatus status(String name, String state) {
    ContainerStateBuilder builder = new ContainerStateBuilder();
    switch (state) {
      case "running":
        builder.withNewRunning().endRunning();
        break;
      case "terminated":
        builder.withNewTerminated().withExitCode(143).endTerminated();
        break;
      default:
        builder.withNewWaiting().withReason("ContainerCreating").endWaiting();
    }
    return new ContainerStatusBuilder().withName(name).withState(builder.build()).build();
  }
}
