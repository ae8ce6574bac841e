package io.sidecarset.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A set of sidecar containers injected into every pod its selectors match, and upgraded in place
 * when it changes. Field for field the {@code apps.kruise.io/v1alpha1} SidecarSet, so a Kruise
 * manifest works after changing only its {@code apiVersion}. Cluster-scoped.
 */
@Group(SidecarSet.GROUP)
@Version(SidecarSet.VERSION)
@Kind(SidecarSet.KIND)
@Plural(SidecarSet.PLURAL)
@Singular("sidecarset")
@ShortNames("scs")
@AdditionalPrinterColumn(
    name = "MATCHED",
    jsonPath = ".status.matchedPods",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "UPDATED",
    jsonPath = ".status.updatedPods",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "READY",
    jsonPath = ".status.readyPods",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "AGE",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class SidecarSet extends CustomResource<SidecarSetSpec, SidecarSetStatus> {

  public static final String GROUP = "apps.sidecarset.io";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "SidecarSet";
  public static final String PLURAL = "sidecarsets";
  public static final String API_VERSION = GROUP + "/" + VERSION;
  public static final String CRD_NAME = PLURAL + "." + GROUP;

  @Override
  protected SidecarSetSpec initSpec() {
    return new SidecarSetSpec();
  }
}
