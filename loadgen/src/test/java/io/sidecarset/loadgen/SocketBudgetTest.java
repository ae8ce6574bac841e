package io.sidecarset.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SocketBudgetTest {

  @Test
  void spentBudget_refuses_untilASocketIsReleased() {
    SocketBudget budget = new SocketBudget(2);
    Runnable first = budget.tryAcquire();
    Runnable second = budget.tryAcquire();

    assertThat(first).isNotNull();
    assertThat(second).isNotNull();
    assertThat(budget.tryAcquire()).isNull();

    first.run();
    assertThat(budget.tryAcquire()).isNotNull();
  }

  @Test
  void releasingTwice_freesOneSocketOnly() {
    SocketBudget budget = new SocketBudget(1);
    Runnable release = budget.tryAcquire();
    release.run();
    release.run();

    assertThat(budget.tryAcquire()).isNotNull();
    assertThat(budget.tryAcquire()).isNull();
  }

  @Test
  void thisProcess_leavesHeadroomBelowItsDescriptorLimit() {
    assertThat(SocketBudget.forThisProcess().limit()).isPositive();
  }
}
