package io.sidecarset.e2e.support;

import io.sidecarset.api.v1alpha1.SidecarSet;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Copies a chart of {@code charts/} into the e2e work directory, ready to install. For the platform
 * chart the CRD is written from the api jar on the classpath (the one source of truth), so the
 * suite never depends on whether the charts module's build has copied it yet.
 */
public final class ChartStage {

  public static final String PLATFORM_CHART = "sidecarset";
  public static final String DEMO_CHART = "sidecarset-demo";

  /** Where the platform chart reads the CRD from, relative to the chart. */
  static final String CRD_IN_CHART = "files/crds/" + SidecarSet.CRD_NAME + "-v1.yml";

  /** Where api's build puts the generated CRD, inside the api jar. */
  static final String CRD_RESOURCE = "META-INF/fabric8/" + SidecarSet.CRD_NAME + "-v1.yml";

  private ChartStage() {}

  /** The staged copy of {@code charts/<name>}. */
  public static Path stage(String name) {
    Path source = E2eSettings.chartsDir().resolve(name);
    if (!Files.isRegularFile(source.resolve("Chart.yaml"))) {
      throw new IllegalStateException(
          "no chart at " + source + " (-D" + E2eSettings.CHARTS_DIR + ")");
    }
    Path target = E2eSettings.workDir().resolve("charts").resolve(name);
    try {
      deleteRecursively(target);
      try (Stream<Path> files = Files.walk(source)) {
        for (Path file : files.toList()) {
          Path to = target.resolve(source.relativize(file).toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(to);
          } else {
            Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      if (PLATFORM_CHART.equals(name)) {
        writeCrd(target.resolve(CRD_IN_CHART));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stage chart " + name, e);
    }
    return target;
  }

  private static void writeCrd(Path file) throws IOException {
    try (InputStream crd = ChartStage.class.getClassLoader().getResourceAsStream(CRD_RESOURCE)) {
      if (crd == null) {
        throw new IllegalStateException(CRD_RESOURCE + " is not on the classpath (sidecarset-api)");
      }
      Files.createDirectories(file.getParent());
      Files.copy(crd, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(file);
      }
    }
  }
}
