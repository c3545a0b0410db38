/**
 * Version v1alpha1 of the tcptune API: {@link dev.tcptune.api.v1alpha1.TcpProfile}, which users
 * write, and {@link dev.tcptune.api.v1alpha1.TcpNodeState}, one per node, which the operator and
 * the node agent write. The classes carry annotations only; the ranges mirror the kernel catalog so
 * bad values are refused at admission instead of on a node.
 */
package dev.tcptune.api.v1alpha1;
