package io.sidecarset.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.sidecarset.api.pod.InPlaceUpdateState.LastContainerStatus;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ContainerImagesTest {

  static Stream<Arguments> spellings() {
    return Stream.of(
        Arguments.of("proxy:v2", "proxy:v2", true),
        Arguments.of("proxy:v2", "docker.io/library/proxy:v2", true),
        Arguments.of("team/proxy:v2", "docker.io/team/proxy:v2", true),
        Arguments.of("proxy", "proxy:latest", true),
        Arguments.of("registry:5000/proxy", "registry:5000/proxy:latest", true),
        Arguments.of("proxy:v2", "proxy:v1", false),
        Arguments.of("quay.io/proxy:v2", "proxy:v2", false));
  }

  @ParameterizedTest(name = "{0} vs {1}: same={2}")
  @MethodSource("spellings")
  void comparesImagesAsTheKubeletSpellsThem(String a, String b, boolean same) {
    assertThat(ContainerImages.same(a, b)).isEqualTo(same);
  }

  @Test
  void aChangedImageIdProvesARestartOnTheNewImage_whenTheSpellingsDiffer() {
    var spec = InjectedPods.container("proxy-2", "proxy:v2");
    ContainerStatus before = InjectedPods.status("proxy-2", "sha256:aaaa", true, 0);
    ContainerStatus after = InjectedPods.status("proxy-2", "sha256:bbbb", true, 1);
    var recorded = new LastContainerStatus(before.getImageID());

    assertThat(ContainerImages.consistent(spec, before, recorded)).isFalse();
    assertThat(ContainerImages.consistent(spec, after, recorded)).isTrue();
    assertThat(ContainerImages.consistent(spec, after, null)).isFalse();
    assertThat(ContainerImages.consistent(spec, null, recorded)).isFalse();
  }
}
