/** Status helpers shared by the agent and the operator: standard conditions. */
package dev.tcptune.status;
