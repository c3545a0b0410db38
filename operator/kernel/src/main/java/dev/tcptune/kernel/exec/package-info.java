/**
 * Running commands (argv lists, never shell strings) and targeting a network namespace, behind an
 * interface so that the route and statistics code can be tested without a kernel; and {@link
 * dev.tcptune.kernel.exec.NamespaceGuard}, which checks that this process is in the namespace it is
 * meant to tune.
 */
package dev.tcptune.kernel.exec;
