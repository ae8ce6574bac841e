package io.sidecarset.core.kruise;

import static io.sidecarset.core.testing.SidecarSetFixtures.CLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.core.hash.SidecarSetHasher;
import io.sidecarset.core.inject.InjectionResult;
import io.sidecarset.core.inject.SidecarInjector;
import io.sidecarset.core.validate.SidecarSetValidator;
import io.sidecarset.core.validate.ValidationResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A SidecarSet manifest written for OpenKruise works here after changing only its apiVersion: it
 * deserializes without losing a field, fits the generated CRD schema without anything being pruned,
 * passes validation, and injects the pod Kruise would produce.
 */
class KruiseCompatibilityTest {

  private static final String KRUISE_API_VERSION = "apiVersion: apps.kruise.io/v1alpha1";
  private static final String OUR_API_VERSION = "apiVersion: " + SidecarSet.API_VERSION;
  private static final String CRD = "/META-INF/fabric8/" + SidecarSet.CRD_NAME + "-v1.yml";
  private static final Map<String, String> SHOP_NAMESPACE_LABELS =
      Map.of("mesh", "enabled", "env", "prod");

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final YAMLMapper YAML = new YAMLMapper();

  private static String resource(String path) {
    try (InputStream in = KruiseCompatibilityTest.class.getResourceAsStream(path)) {
      assertThat(in).as(path).isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Kruise manifest with its apiVersion line changed, and nothing else. */
  private static String ported(String kruiseManifest) {
    String yaml = resource("/kruise/" + kruiseManifest);
    assertThat(yaml).contains(KRUISE_API_VERSION);
    return yaml.replace(KRUISE_API_VERSION, OUR_API_VERSION);
  }

  private static SidecarSet sidecarSet(String kruiseManifest) {
    return SERIALIZATION.unmarshal(ported(kruiseManifest), SidecarSet.class);
  }

  private static JsonNode tree(String yaml) {
    try {
      return YAML.readTree(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0} deserializes without losing or adding a field")
  @ValueSource(strings = {"mesh-sidecarset.yaml", "node-agent-sidecarset.yaml"})
  void deserializesLosslessly(String manifest) {
    SidecarSet set = sidecarSet(manifest);

    JsonNode roundTrip = SERIALIZATION.convertValue(set, JsonNode.class);

    assertThat(roundTrip).isEqualTo(tree(ported(manifest)));
  }

  @ParameterizedTest(name = "{0} fits the CRD schema, nothing pruned")
  @ValueSource(strings = {"mesh-sidecarset.yaml", "node-agent-sidecarset.yaml"})
  void fitsTheCrdSchema(String manifest) {
    assertThat(schemaErrors(tree(ported(manifest)))).isEmpty();
  }

  @Test
  void theSchemaCheckCatchesFieldsTheApiserverWouldPrune() {
    // Kruise 1.9 added containers[].resourcesPolicy; this project's API does not have it (yet), so
    // the apiserver would silently drop it. The strict schema check must notice.
    ObjectNode manifest = (ObjectNode) tree(ported("mesh-sidecarset.yaml"));
    ((ObjectNode) manifest.at("/spec/containers/1"))
        .putObject("resourcesPolicy")
        .put("targetContainerMode", "sum");

    assertThat(schemaErrors(manifest)).singleElement().asString().contains("resourcesPolicy");
  }

  @ParameterizedTest(name = "{0} validates clean")
  @ValueSource(strings = {"mesh-sidecarset.yaml", "node-agent-sidecarset.yaml"})
  void validatesClean(String manifest) {
    SidecarSet set = sidecarSet(manifest);
    List<SidecarSet> both =
        List.of(sidecarSet("mesh-sidecarset.yaml"), sidecarSet("node-agent-sidecarset.yaml"));

    ValidationResult result = new SidecarSetValidator().validateCreate(set, both);

    assertThat(result.errors()).as(result.message()).isEmpty();
  }

  @Test
  void injectsThePodKruiseWouldProduce() {
    SidecarSet mesh = sidecarSet("mesh-sidecarset.yaml");
    SidecarSet nodeAgent = sidecarSet("node-agent-sidecarset.yaml");
    Pod pod = SERIALIZATION.unmarshal(resource("/kruise/web-pod.yaml"), Pod.class);

    InjectionResult result =
        new SidecarInjector(CLOCK).inject(pod, List.of(nodeAgent, mesh), SHOP_NAMESPACE_LABELS);

    String expected =
        resource("/kruise/web-pod-injected.yaml")
            .replace("${MESH_HASH}", SidecarSetHasher.hash(mesh))
            .replace("${MESH_HASH_WITHOUT_IMAGE}", SidecarSetHasher.hashWithoutImage(mesh))
            .replace("${NODE_AGENT_HASH}", SidecarSetHasher.hash(nodeAgent))
            .replace(
                "${NODE_AGENT_HASH_WITHOUT_IMAGE}", SidecarSetHasher.hashWithoutImage(nodeAgent));
    assertThat(SERIALIZATION.convertValue(result.pod(), JsonNode.class)).isEqualTo(tree(expected));
    assertThat(result.warnings()).isEmpty();
    assertThat(result.injected())
        .extracting(i -> i.name() + "=" + i.containers() + "+" + i.initContainers())
        .containsExactly(
            "mesh=[proxy-1, proxy-2, log-agent]+[mesh-init]",
            "node-agent=[metrics]+[agent, agent-setup]");
  }

  @Test
  void crdPrintsKruisesColumns_inKruisesOrder() {
    JsonNode version = crd().at("/spec/versions/0");
    assertThat(stream(version.at("/additionalPrinterColumns")).map(c -> c.get("name").asText()))
        .containsExactly("MATCHED", "UPDATED", "READY", "AGE");
  }

  // --- the CRD's structural schema as a JSON schema ------------------------------------------

  private static List<Error> schemaErrors(JsonNode manifest) {
    return crdSchema().validate(manifest);
  }

  private static JsonNode crd() {
    try (InputStream in = SidecarSet.class.getResourceAsStream(CRD)) {
      assertThat(in).as("the api jar carries " + CRD).isNotNull();
      return YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Schema crdSchema() {
    JsonNode version =
        stream(crd().at("/spec/versions"))
            .filter(v -> SidecarSet.VERSION.equals(v.path("name").asText()))
            .findFirst()
            .orElseThrow();
    ObjectNode schema = version.at("/schema/openAPIV3Schema").deepCopy();
    // the apiserver validates apiVersion, kind and metadata itself; the schema leaves them out
    ObjectNode root = (ObjectNode) schema.get("properties");
    root.putObject("apiVersion").put("type", "string");
    root.putObject("kind").put("type", "string");
    root.putObject("metadata").put("type", "object");
    strict(schema);
    return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
        .getSchema(schema.toString(), InputFormat.JSON);
  }

  /**
   * Makes the structural schema say what the apiserver does: an object with declared properties and
   * no {@code x-kubernetes-preserve-unknown-fields} keeps only those (the apiserver prunes the rest
   * silently, so here an unknown field is an error), and {@code x-kubernetes-int-or-string} admits
   * both types.
   */
  private static void strict(JsonNode node) {
    if (node instanceof ObjectNode object) {
      if (object.has("properties")
          && !object.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)
          && !object.has("additionalProperties")) {
        object.put("additionalProperties", false);
      }
      if (object.path("x-kubernetes-int-or-string").asBoolean(false)
          && !object.has("anyOf")
          && !object.has("type")) {
        ArrayNode anyOf = object.putArray("anyOf");
        anyOf.addObject().put("type", "integer");
        anyOf.addObject().put("type", "string");
      }
      Iterator<JsonNode> children = object.elements();
      while (children.hasNext()) {
        strict(children.next());
      }
    } else if (node instanceof ArrayNode array) {
      array.forEach(KruiseCompatibilityTest::strict);
    }
  }

  private static Stream<JsonNode> stream(JsonNode array) {
    Stream.Builder<JsonNode> items = Stream.builder();
    array.forEach(items::add);
    return items.build();
  }
}
