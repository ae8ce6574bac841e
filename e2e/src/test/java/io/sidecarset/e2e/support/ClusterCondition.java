package io.sidecarset.e2e.support;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Disables a scenario class when no cluster is available (no kubeconfig, no local k3s image), so
 * that it is reported as skipped with the reason, never run half-way and never counted as passed. A
 * condition rather than an abort in {@code @BeforeAll}: the test report counts a disabled class as
 * skipped, but silently drops a class whose set-up aborted.
 */
public final class ClusterCondition implements ExecutionCondition {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    return ClusterFixture.Shared.available()
        ? ConditionEvaluationResult.enabled("cluster available")
        : ConditionEvaluationResult.disabled(ClusterFixture.Shared.reason());
  }
}
