package dev.tcptune.testing;

import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * Read-modify-write of an object that someone else writes too (an agent's status write bumps the
 * resourceVersion the edit was based on): a 409 Conflict means read again and retry, as {@code
 * kubectl edit} does.
 */
public final class OnConflict {

  private static final int ATTEMPTS = 10;

  private OnConflict() {}

  /** Runs {@code edit} until it does not end in a 409 Conflict, at most ten times. */
  public static void retry(Runnable edit) {
    for (int attempt = 1; ; attempt++) {
      try {
        edit.run();
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }
}
