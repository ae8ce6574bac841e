package io.sidecarset.core.upgrade;

import static org.assertj.core.api.Assertions.assertThat;

import io.sidecarset.api.SidecarSetAnnotations;
import io.sidecarset.api.pod.HotUpgradeProgress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonMapAnnotationTest {

  @Test
  void absentOrCorruptedValuesReadAsEmpty() {
    assertThat(JsonMapAnnotation.WORKING_SLOTS.read(null)).isEmpty();
    assertThat(JsonMapAnnotation.WORKING_SLOTS.read(Map.of())).isEmpty();
    assertThat(
            JsonMapAnnotation.HOT_UPGRADE_STATE.read(
                Map.of(SidecarSetAnnotations.HOTUPGRADE_STATE, "{not json")))
        .isEmpty();
  }

  @Test
  void progressRoundTripsWithSortedKeysAndNoNulls() {
    var progress =
        new HotUpgradeProgress(
            HotUpgradeProgress.UPGRADING,
            "mesh",
            "proxy-1",
            "proxy-2",
            "proxy:v1",
            "proxy:v2",
            "h2",
            "h1",
            Map.of("version.sidecarset.io/proxy-1", "1"),
            2L,
            null,
            "2026-11-26T10:00:00Z",
            null,
            null,
            null,
            null);

    String json =
        JsonMapAnnotation.HOT_UPGRADE_STATE.write(Map.of("proxy", progress, "agent", progress));

    assertThat(json).startsWith("{\"agent\":").doesNotContain("null");
    assertThat(
            JsonMapAnnotation.HOT_UPGRADE_STATE
                .read(Map.of(SidecarSetAnnotations.HOTUPGRADE_STATE, json))
                .get("proxy"))
        .isEqualTo(progress);
  }

  @Test
  void unknownFieldsWrittenByANewerControllerAreIgnored() {
    String json = "{\"proxy\":{\"phase\":\"Completed\",\"futureField\":1}}";

    assertThat(
            JsonMapAnnotation.HOT_UPGRADE_STATE
                .read(Map.of(SidecarSetAnnotations.HOTUPGRADE_STATE, json))
                .get("proxy")
                .phase())
        .isEqualTo(HotUpgradeProgress.COMPLETED);
  }
}
