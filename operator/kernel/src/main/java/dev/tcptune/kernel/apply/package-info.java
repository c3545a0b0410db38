/**
 * Plan, apply, verify and restore: the logic that turns a desired state into kernel writes, with
 * originals journaled before the first write and every key reported on its own.
 */
package dev.tcptune.kernel.apply;
