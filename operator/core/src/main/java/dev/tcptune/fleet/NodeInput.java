package dev.tcptune.fleet;

import java.util.Map;

/** A Node as the planner sees it: its name and labels. */
public record NodeInput(String name, Map<String, String> labels) {
  public NodeInput {
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }
}
