package io.sidecarset.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LoadSpecTest {

  private static LoadSpec.Builder valid() {
    return LoadSpec.builder().target("127.0.0.1", 8080).ratePerSecond(100);
  }

  @ParameterizedTest(name = "{0} is loopback")
  @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"})
  void loopbackTargets_areAccepted(String host) {
    assertThat(valid().target(host, 8080).build().address().getAddress().isLoopbackAddress())
        .isTrue();
  }

  @ParameterizedTest(name = "{0} is refused")
  @ValueSource(strings = {"10.0.0.1", "0.0.0.0", "8.8.8.8", "example.com", "::", "192.168.1.1"})
  void otherTargets_areRefusedWithoutAnyLookup(String host) {
    assertThatThrownBy(() -> valid().target(host, 8080).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only targets loopback")
        .hasMessageContaining(host);
  }

  @Test
  void defaults() {
    LoadSpec spec = valid().build();
    assertThat(spec.path()).isEqualTo("/");
    assertThat(spec.mix()).isEqualTo(TrafficMix.of(60, 20, 20));
    assertThat(spec.keepAliveConnections()).isEqualTo(32);
    assertThat(spec.h2Connections()).isEqualTo(4);
    assertThat(spec.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(spec.authority()).isEqualTo("127.0.0.1:8080");
  }

  @Test
  void ipv6Authority_isBracketed() {
    assertThat(valid().target("::1", 81).build().authority()).isEqualTo("[::1]:81");
  }

  @Test
  void plannedRequests_isRateTimesDuration() {
    assertThat(
            valid().ratePerSecond(2000).duration(Duration.ofSeconds(60)).build().plannedRequests())
        .isEqualTo(120_000);
  }

  @Test
  void invalidFields_areRejectedWithTheFieldName() {
    assertThatThrownBy(() -> LoadSpec.builder().ratePerSecond(1).build())
        .hasMessageContaining("target");
    assertThatThrownBy(() -> valid().target("127.0.0.1", 0).build()).hasMessageContaining("port");
    assertThatThrownBy(() -> valid().path("x").build()).hasMessageContaining("path");
    assertThatThrownBy(() -> valid().ratePerSecond(0).build()).hasMessageContaining("rate");
    assertThatThrownBy(() -> valid().keepAliveConnections(0).build())
        .hasMessageContaining("keepAliveConnections");
    assertThatThrownBy(() -> valid().h2Connections(0).build())
        .hasMessageContaining("h2Connections");
    assertThatThrownBy(() -> valid().requestTimeout(Duration.ZERO).build())
        .hasMessageContaining("requestTimeout");
    assertThatThrownBy(() -> valid().ioThreads(0).build()).hasMessageContaining("ioThreads");
    assertThatThrownBy(() -> valid().ratePerSecond(100_000).duration(Duration.ofHours(1)).build())
        .hasMessageContaining("more than the 100000000 one run can record");
  }

  @Test
  void toBuilder_roundTrips() {
    LoadSpec spec = valid().mix(TrafficMix.of(1, 2, 3)).h2Connections(7).build();
    assertThat(spec.toBuilder().build()).isEqualTo(spec);
  }
}
