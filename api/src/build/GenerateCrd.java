import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crdv2.generator.CRDGenerator;
import io.fabric8.crdv2.generator.CRDPostProcessor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceColumnDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import io.sidecarset.api.v1alpha1.SidecarSet;
import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Writes the SidecarSet CRD from the Java types at build time: api's pom runs this file with Java's
 * source launcher after compiling (it is not part of the api jar). It is fabric8's CRD generator
 * with one correction: the generator sorts printer columns by name, and kubectl shows them in the
 * CRD's order, so they are put back in the order the class declares them (MATCHED, UPDATED, READY,
 * AGE, as Kruise prints them).
 */
public class GenerateCrd {

  public static void main(String[] args) {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: GenerateCrd OUTPUT_DIRECTORY");
    }
    List<String> declared =
        Arrays.stream(SidecarSet.class.getAnnotationsByType(AdditionalPrinterColumn.class))
            .map(AdditionalPrinterColumn::name)
            .toList();
    File output = new File(args[0]);
    if (!output.isDirectory() && !output.mkdirs()) {
      throw new IllegalStateException("cannot create " + output);
    }
    int written =
        new CRDGenerator()
            .inOutputDir(output)
            .forCRDVersions("v1")
            .withPostProcessor(new DeclaredColumnOrder(declared))
            .customResourceClasses(SidecarSet.class)
            .generate();
    if (written != 1) {
      throw new IllegalStateException("expected one CRD, the generator wrote " + written);
    }
  }

  /** Orders each version's printer columns as {@code declared} lists them. */
  private record DeclaredColumnOrder(List<String> declared) implements CRDPostProcessor {
    @Override
    public HasMetadata process(HasMetadata crd, String crdSpecVersion) {
      for (CustomResourceDefinitionVersion version :
          ((CustomResourceDefinition) crd).getSpec().getVersions()) {
        if (version.getAdditionalPrinterColumns() == null) {
          continue;
        }
        List<CustomResourceColumnDefinition> columns =
            new ArrayList<>(version.getAdditionalPrinterColumns());
        columns.sort(Comparator.comparingInt(c -> declared.indexOf(c.getName())));
        version.setAdditionalPrinterColumns(columns);
      }
      return crd;
    }
  }
}
