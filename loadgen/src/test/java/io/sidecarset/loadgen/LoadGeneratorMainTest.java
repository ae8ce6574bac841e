package io.sidecarset.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The CLI's argument handling; nothing here opens a socket. */
class LoadGeneratorMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return LoadGeneratorMain.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void nonLoopbackTarget_exits2_withAClearMessageAndUsage() {
    assertThat(run("--target", "10.0.0.1:80", "--rate", "100")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("loadgen: loadgen only targets loopback addresses")
        .contains("usage: java -jar loadgen.jar");
    assertThat(out.size()).isZero();
  }

  @Test
  void missingRate_exits2() {
    assertThat(run("--target", "127.0.0.1:8080")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--rate is required");
  }

  @Test
  void help_exits0_andPrintsUsage() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--h2-connections");
  }
}
