package io.sidecarset.core.validate;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Finds {@code null} items in the arrays of a JSON tree, by field path. */
final class NullElements {

  private NullElements() {}

  /** The paths ({@code spec.containers[0].ports[1]}) of null array items under {@code node}. */
  static List<String> paths(JsonNode node, String path) {
    List<String> paths = new ArrayList<>();
    collect(node, path, paths);
    return paths;
  }

  private static void collect(JsonNode node, String path, List<String> paths) {
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String at = ErrorList.index(path, i);
        if (node.get(i).isNull()) {
          paths.add(at);
        } else {
          collect(node.get(i), at, paths);
        }
      }
    } else if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        collect(field.getValue(), path + "." + field.getKey(), paths);
      }
    }
  }
}
