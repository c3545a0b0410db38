package dev.tcptune.agent;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Where status patches go: the API server, or a list in unit tests. */
interface StatusSink {

  /**
   * Merge-patches the status with {@code status} (fields set to null are removed).
   *
   * @return false when there is no object to write to (it was deleted)
   * @throws RuntimeException when the write failed
   */
  boolean patch(ObjectNode status);
}
