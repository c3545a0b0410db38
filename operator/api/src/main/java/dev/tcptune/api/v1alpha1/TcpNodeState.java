package dev.tcptune.api.v1alpha1;

import dev.tcptune.api.TcpTuneApi;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The effective TCP settings of one node, named after the node. The operator writes the spec (the
 * merge of every matching profile); the node's agent writes the status (what it found and did). One
 * small object per node keeps writes and watches O(1) per node.
 */
@Group(TcpTuneApi.GROUP)
@Version(TcpTuneApi.VERSION)
@Kind("TcpNodeState")
@Singular("tcpnodestate")
@Plural("tcpnodestates")
@ShortNames({"tcpns"})
@AdditionalPrinterColumn(
    name = "Settings",
    jsonPath = ".status.summary.settings",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "InSync",
    jsonPath = ".status.summary.inSync",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Drifted",
    jsonPath = ".status.summary.drifted",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Failed",
    jsonPath = ".status.summary.failed",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
    name = "Kernel",
    jsonPath = ".status.kernelVersion",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
    name = "Last-Check",
    jsonPath = ".status.lastCheckTime",
    type = AdditionalPrinterColumn.Type.DATE)
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class TcpNodeState extends CustomResource<TcpNodeStateSpec, TcpNodeStateStatus> {

  @Override
  protected TcpNodeStateSpec initSpec() {
    return new TcpNodeStateSpec();
  }

  @Override
  protected TcpNodeStateStatus initStatus() {
    return new TcpNodeStateStatus();
  }
}
