package io.surprisal.train;

import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Off-heap memory for the temporaries of one training step (an EM iteration, a minibatch step).
 *
 * <p>ND4J frees an array's native memory only when its small Java wrapper is garbage collected,
 * which a near-empty heap rarely does: left alone, a K = 10, L = 784 binary-latent fit grew past
 * 20 GB off-heap in 16 epochs. Inside a workspace every step reuses the same block instead; what
 * must outlive the step (the new parameters) is detached from it.
 */
final class TrainingMemory {
  private static final WorkspaceConfiguration STEP =
      WorkspaceConfiguration.builder()
          .policyAllocation(AllocationPolicy.OVERALLOCATE)
          .policyLearning(LearningPolicy.FIRST_LOOP)
          .policySpill(SpillPolicy.REALLOCATE)
          .build();

  private TrainingMemory() {}

  /** Opens (or reopens) the named step workspace on this thread; close it when the step ends. */
  static MemoryWorkspace step(String name) {
    return Nd4j.getWorkspaceManager().getAndActivateWorkspace(STEP, name);
  }
}
