package dev.tcptune.merge;

/**
 * Two profiles of the same priority set one key (or route) of one node differently; {@code winner}
 * is the one whose name sorts first.
 */
public record Conflict(String node, String key, String winner, String loser, int priority) {
  public String message() {
    return "node "
        + node
        + ": "
        + key
        + " is set by "
        + winner
        + " and "
        + loser
        + " at priority "
        + priority
        + "; "
        + winner
        + " wins (its name sorts first)";
  }
}
