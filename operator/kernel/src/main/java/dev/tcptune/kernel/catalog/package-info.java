/**
 * What tcptune may tune: the keys, their sane ranges, the kernel that introduced them, and the keys
 * it refuses. The CRD model mirrors these ranges; this catalog is the runtime authority.
 */
package dev.tcptune.kernel.catalog;
