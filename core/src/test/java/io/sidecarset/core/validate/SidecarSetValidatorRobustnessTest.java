package io.sidecarset.core.validate;

import static io.sidecarset.core.testing.SidecarSetFixtures.CLOCK;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.sidecarset.api.v1alpha1.SidecarSet;
import io.sidecarset.core.inject.SidecarInjector;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Bad input is answered with errors, never with an exception: thousands of random corruptions of a
 * rich manifest (fields removed, nulled, emptied or given the wrong type) are validated, and the
 * ones that pass are injected. Seeded, so a failure replays.
 */
class SidecarSetValidatorRobustnessTest {

  private static final int MUTANTS = 600;
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Test
  void randomCorruptionsNeverThrowAndNeverNeedTheSafetyNet() throws IOException {
    JsonNode base = manifest("/kruise/mesh-sidecarset.yaml");
    SidecarSet original = SERIALIZATION.convertValue(base, SidecarSet.class);
    Pod pod = SERIALIZATION.unmarshal(text("/kruise/web-pod.yaml"), Pod.class);
    SidecarSetValidator validator = new SidecarSetValidator();
    SidecarInjector injector = new SidecarInjector(CLOCK);
    RandomGenerator random = new Random(20260102L);

    int decoded = 0;
    int valid = 0;
    List<String> safetyNet = new ArrayList<>();
    for (int i = 0; i < MUTANTS; i++) {
      JsonNode mutant = base.deepCopy();
      int mutations = 1 + random.nextInt(3);
      for (int m = 0; m < mutations; m++) {
        mutate(mutant, random);
      }
      SidecarSet set;
      try {
        set = SERIALIZATION.convertValue(mutant, SidecarSet.class);
      } catch (RuntimeException notDecodable) {
        continue; // the apiserver's decoder rejects it before any webhook sees it
      }
      decoded++;
      ValidationResult created = validator.validateCreate(set, List.of(original));
      ValidationResult updated = validator.validateUpdate(set, original, List.of(original));
      for (ValidationResult result : List.of(created, updated)) {
        result.errors().stream()
            .filter(e -> e.message().startsWith("could not be validated"))
            .forEach(e -> safetyNet.add(e.message()));
      }
      if (created.isValid()) {
        valid++;
        injector.inject(pod, List.of(set), Map.of());
      }
    }

    assertThat(safetyNet).as("rules that threw instead of reporting").isEmpty();
    assertThat(decoded).as("mutants that decoded").isGreaterThan(MUTANTS / 3);
    assertThat(valid).as("mutants still valid, then injected").isGreaterThan(0);
  }

  /** Picks one node of the tree at random and removes, nulls, empties or retypes it. */
  private static void mutate(JsonNode root, RandomGenerator random) {
    List<JsonNode> parents = new ArrayList<>();
    collectContainers(root, parents);
    JsonNode parent = parents.get(random.nextInt(parents.size()));
    JsonNode replacement =
        switch (random.nextInt(7)) {
          case 0 -> null; // remove
          case 1 -> NODES.nullNode();
          case 2 -> NODES.textNode("");
          case 3 -> NODES.objectNode();
          case 4 -> NODES.arrayNode();
          case 5 -> NODES.numberNode(-1);
          default -> NODES.textNode("Bad Value!");
        };
    if (parent instanceof ObjectNode object && object.size() > 0) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      String name = names.get(random.nextInt(names.size()));
      if (replacement == null) {
        object.remove(name);
      } else {
        object.set(name, replacement);
      }
    } else if (parent instanceof ArrayNode array && array.size() > 0) {
      int index = random.nextInt(array.size());
      if (replacement == null) {
        array.remove(index);
      } else {
        array.set(index, replacement);
      }
    }
  }

  private static void collectContainers(JsonNode node, List<JsonNode> into) {
    if (node.isContainerNode() && node.size() > 0) {
      into.add(node);
      node.forEach(child -> collectContainers(child, into));
    }
  }

  private static JsonNode manifest(String path) throws IOException {
    String yaml =
        text(path)
            .replace(
                "apiVersion: apps.kruise.io/v1alpha1", "apiVersion: " + SidecarSet.API_VERSION);
    return new YAMLMapper().readTree(yaml);
  }

  private static String text(String path) throws IOException {
    try (InputStream in = SidecarSetValidatorRobustnessTest.class.getResourceAsStream(path)) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}
