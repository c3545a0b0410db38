/**
 * Running commands (argv lists, never shell strings) and targeting a network namespace, behind an
 * interface so that the route and statistics code can be tested without a kernel.
 */
package dev.tcptune.kernel.exec;
