package io.sidecarset.charts;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Renders a chart of this module with the native Helm inside helm-java, as {@code helm template}
 * would, and parses every document into a fabric8 object. No cluster is involved: the Kubernetes
 * version and API versions are Helm's defaults unless a test sets them.
 */
final class ChartRenderer {

  static final String RELEASE = "scs";
  static final String NAMESPACE = "sidecarset-system";
  private static final Pattern DOCUMENT_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

  private final Path chartDir;

  private ChartRenderer(Path chartDir) {
    this.chartDir = chartDir;
  }

  /** The chart {@code charts/<name>} of this module. */
  static ChartRenderer of(String chartName) {
    String chartsDir = System.getProperty("sidecarset.charts.dir", ".");
    Path dir = Path.of(chartsDir).resolve(chartName).toAbsolutePath().normalize();
    if (!Files.isRegularFile(dir.resolve("Chart.yaml"))) {
      throw new IllegalStateException("no chart at " + dir);
    }
    return new ChartRenderer(dir);
  }

  Path chartDir() {
    return chartDir;
  }

  /** {@code helm lint --strict} of the chart with its own values (helm-java takes no others). */
  LintResult lint() {
    return new Helm(chartDir).lint().strict().call();
  }

  /** Renders with the values files (relative to the chart), then the {@code --set} values. */
  RenderedChart render(List<String> valuesFiles, Map<String, Object> sets) {
    return render(RELEASE, valuesFiles, sets);
  }

  RenderedChart render(Map<String, Object> sets) {
    return render(RELEASE, List.of(), sets);
  }

  RenderedChart render(String release, List<String> valuesFiles, Map<String, Object> sets) {
    TemplateCommand template = new Helm(chartDir).template().withName(release);
    template.withNamespace(NAMESPACE);
    for (String file : valuesFiles) {
      template.withValuesFile(chartDir.resolve(file));
    }
    sets.forEach(template::set);
    String manifest = template.call();
    return new RenderedChart(parse(manifest));
  }

  private static List<HasMetadata> parse(String manifest) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : DOCUMENT_SEPARATOR.split(manifest)) {
      if (document.lines().allMatch(line -> line.isBlank() || line.startsWith("#"))) {
        continue;
      }
      objects.add(Serialization.unmarshal(document, HasMetadata.class));
    }
    return objects;
  }
}
