/**
 * The kernel layer of tcptune: everything that touches Linux TCP (sysctls, routes, socket
 * statistics) and nothing that knows about Kubernetes, so that it can be tested on a real kernel in
 * a network namespace and reused by the agent and the CLI alike.
 */
package dev.tcptune.kernel;
