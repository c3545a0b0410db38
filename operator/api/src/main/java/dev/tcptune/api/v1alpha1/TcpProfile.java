package dev.tcptune.api.v1alpha1;

import dev.tcptune.api.TcpTuneApi;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * TCP settings for the nodes a label selector picks. Cluster-scoped because what it changes, the
 * network stack of a node, belongs to no namespace.
 */
@Group(TcpTuneApi.GROUP)
@Version(TcpTuneApi.VERSION)
@Kind("TcpProfile")
@Singular("tcpprofile")
@Plural("tcpprofiles")
@ShortNames({"tcpp", "tcpprofile"})
@AdditionalPrinterColumn(
    name = "Mode",
    jsonPath = ".spec.mode",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Priority",
    jsonPath = ".spec.priority",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Matched",
    jsonPath = ".status.matchedNodes",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Applied",
    jsonPath = ".status.appliedNodes",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Drifted",
    jsonPath = ".status.driftedNodes",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Failed",
    jsonPath = ".status.failedNodes",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Ready",
    jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
// Without it a TcpProfile with no spec at all would be accepted while `spec: {}` is refused.
@ValidationRule(
    value = "has(self.spec)",
    message =
        "spec is required: a profile must set at least one of listenQueue, timeWait, keepalive,"
            + " retries, rto",
    fieldPath = ".spec",
    reason = "FieldValueRequired")
public class TcpProfile extends CustomResource<TcpProfileSpec, TcpProfileStatus> {

  @Override
  protected TcpProfileSpec initSpec() {
    return new TcpProfileSpec();
  }

  @Override
  protected TcpProfileStatus initStatus() {
    return new TcpProfileStatus();
  }
}
