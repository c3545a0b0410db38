/**
 * Reading and writing sysctls of one network namespace, behind {@link
 * dev.tcptune.kernel.sysctl.SysctlStore}.
 */
package dev.tcptune.kernel.sysctl;
