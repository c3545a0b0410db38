package dev.tcptune.kernel.route;

import dev.tcptune.kernel.exec.CommandFailedException;
import dev.tcptune.kernel.exec.CommandResult;
import dev.tcptune.kernel.exec.CommandRunner;
import dev.tcptune.kernel.exec.NetworkNamespace;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code rto_min} changes of one address family, as {@link IpRouteTable} makes them: every
 * change in one {@link IpBatch} whose last line lists the family, so that the batch's own output is
 * the read-back (a route whose words cannot be a batch line gets an {@code ip route change} of its
 * own first). Then each changed route is compared with the route before; those that lost or moved
 * anything but {@code rto_min} (or are gone) get their original back, again in one batch.
 */
final class FamilyChanges {

  /**
   * What one batch did.
   *
   * @param errors per route asked for, why its change failed ({@code command: kernel message})
   * @param listing the family as the batch's last line listed it, when the batch got that far
   * @param stopped why ip stopped before its last line, when it did (then a route without error may
   *     or may not have been changed)
   */
  private record Run(
      Map<Route, String> errors, Optional<List<Route>> listing, Optional<String> stopped) {}

  /**
   * The outcomes of one family.
   *
   * @param outcomes per route asked for (as listed before), its outcome
   * @param readBack the family listed after the last change, when there is such a listing
   */
  record Result(Map<Route, RouteChangeOutcome> outcomes, Optional<List<Route>> readBack) {}

  private final CommandRunner runner;
  private final NetworkNamespace namespace;
  private final IpBatches batches;
  private final IpFamily family;
  private final Supplier<List<Route>> listFamily;

  /**
   * @param runner runs a change that cannot be a batch line, in a process of its own
   * @param listFamily lists the family again: the read-back when a batch stopped before its listing
   */
  FamilyChanges(
      CommandRunner runner,
      NetworkNamespace namespace,
      IpBatches batches,
      IpFamily family,
      Supplier<List<Route>> listFamily) {
    this.runner = Objects.requireNonNull(runner, "runner");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.batches = Objects.requireNonNull(batches, "batches");
    this.family = Objects.requireNonNull(family, "family");
    this.listFamily = Objects.requireNonNull(listFamily, "listFamily");
  }

  /** Makes {@code changes} (all of this family, none refused) and reads them back. */
  Result apply(List<RouteChange> changes) {
    Run run = run(changes.stream().map(RouteChange::wanted).toList());
    Optional<List<Route>> listing = run.listing();
    String unreadable = "";
    if (listing.isEmpty()) {
      // ip stopped early: which lines ran is unknown, so the state is read in a process of its own.
      try {
        listing = Optional.of(listFamily.get());
      } catch (RuntimeException e) {
        unreadable = e.getMessage();
      }
    }
    Map<Route, RouteChangeOutcome> outcomes = new LinkedHashMap<>();
    List<RouteChange> moved = new ArrayList<>();
    for (RouteChange change : changes) {
      Route before = change.route();
      String error = run.errors().get(change.wanted());
      if (error != null) {
        outcomes.put(before, failed(change, "refused: " + error));
      } else if (listing.isEmpty()) {
        outcomes.put(before, failed(change, "the route could not be read back: " + unreadable));
      } else {
        Optional<Route> now = find(listing.get(), before);
        if (now.isEmpty() || !now.get().sameButRtoMin(before)) {
          moved.add(change);
        } else if (run.stopped().isPresent()
            && !now.get().rtoMinMillis().equals(change.rtoMinMillis())) {
          outcomes.put(before, failed(change, "not set, " + run.stopped().get()));
        } else {
          outcomes.put(before, RouteChangeOutcome.changed(now.get()));
        }
      }
    }
    if (moved.isEmpty()) {
      return new Result(outcomes, listing);
    }
    Run back = run(moved.stream().map(RouteChange::route).toList());
    for (RouteChange change : moved) {
      outcomes.put(change.route(), undone(change, listing.orElseThrow(), back));
    }
    return new Result(ordered(changes, outcomes), back.listing());
  }

  private static Map<Route, RouteChangeOutcome> ordered(
      List<RouteChange> changes, Map<Route, RouteChangeOutcome> outcomes) {
    Map<Route, RouteChangeOutcome> ordered = new LinkedHashMap<>();
    changes.forEach(c -> ordered.put(c.route(), outcomes.get(c.route())));
    return ordered;
  }

  private static RouteChangeOutcome failed(RouteChange change, String why) {
    return RouteChangeOutcome.failed(
        "route " + change.route().id() + ": rto_min " + change.describeValue() + " " + why);
  }

  /** The report of a change that moved something else and was put back (or could not be). */
  private static RouteChangeOutcome undone(RouteChange change, List<Route> listing, Run back) {
    Route before = change.route();
    String error = back.errors().get(before);
    String putBack;
    if (error != null) {
      putBack = "putting the original back failed too: " + error;
    } else if (back.stopped().isPresent()) {
      putBack = "putting the original back is not confirmed: " + back.stopped().get();
    } else {
      putBack = "the original route was put back";
    }
    return RouteChangeOutcome.failed(
        "route "
            + before.id()
            + ": the change did not keep the other attributes (wanted '"
            + change.wanted().describe()
            + "', got '"
            + find(listing, before).map(Route::describe).orElse("no route")
            + "'); "
            + putBack);
  }

  private static Optional<Route> find(List<Route> routes, Route route) {
    return routes.stream().filter(r -> r.id().equals(route.id())).findFirst();
  }

  /**
   * Gives each route of {@code wanted} to {@code ip route change} and lists the family: one batch,
   * plus one process per route that cannot be a batch line (run first, so the listing covers it).
   */
  private Run run(List<Route> wanted) {
    Map<Route, String> errors = new HashMap<>();
    List<Route> batched = new ArrayList<>();
    List<List<String>> lines = new ArrayList<>();
    for (Route route : wanted) {
      List<String> argv = route.changeArgv();
      // changeArgv() is "ip -4|-6 route change ...": the batch holds the words after the flag.
      List<String> line = argv.subList(2, argv.size());
      if (IpBatch.fits(line)) {
        batched.add(route);
        lines.add(line);
      } else {
        changeAlone(argv).ifPresent(error -> errors.put(route, error));
      }
    }
    lines.add(IpBatch.LIST_ALL);
    IpBatch.Result result;
    try {
      result = batches.run(family, lines);
    } catch (CommandFailedException e) {
      return new Run(errors, Optional.empty(), Optional.of("ip -batch failed: " + e.getMessage()));
    }
    for (int i = 0; i < batched.size(); i++) {
      String failure = result.failedLines().get(i + 1);
      if (failure != null) {
        errors.put(
            batched.get(i),
            String.join(" ", batched.get(i).changeArgv())
                + " (line "
                + (i + 1)
                + " of "
                + String.join(" ", result.argv())
                + "): "
                + failure);
      }
    }
    String listFailure = result.failedLines().get(lines.size());
    if (listFailure == null && !result.stdout().isBlank()) {
      try {
        return new Run(
            errors, Optional.of(RouteTextParser.parse(result.stdout(), family)), Optional.empty());
      } catch (IllegalArgumentException e) {
        listFailure = e.getMessage();
      }
    }
    return new Run(
        errors,
        Optional.empty(),
        Optional.of(
            "ip -batch stopped before its listing (exit "
                + result.exitCode()
                + "): "
                + (listFailure != null ? listFailure : result.otherErrors())));
  }

  /** {@code ip route change} in a process of its own; the error, if it failed. */
  private Optional<String> changeAlone(List<String> changeArgv) {
    List<String> argv = namespace.wrap(changeArgv);
    try {
      CommandResult result = runner.run(argv);
      return result.succeeded()
          ? Optional.empty()
          : Optional.of(String.join(" ", argv) + ": " + result.stderr().strip());
    } catch (CommandFailedException e) {
      return Optional.of(e.getMessage());
    }
  }
}
