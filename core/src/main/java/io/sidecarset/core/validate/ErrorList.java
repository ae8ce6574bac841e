package io.sidecarset.core.validate;

import java.util.ArrayList;
import java.util.List;

/** Collects errors while a set's fields are walked. */
final class ErrorList {

  private final List<FieldError> errors = new ArrayList<>();

  void add(String field, String message) {
    errors.add(new FieldError(field, message));
  }

  boolean isEmpty() {
    return errors.isEmpty();
  }

  ValidationResult result() {
    return new ValidationResult(errors);
  }

  static String index(String path, int i) {
    return path + "[" + i + "]";
  }
}
