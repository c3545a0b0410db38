/**
 * Routes and their per-route {@code rto_min}: read with {@code ip -d route show}, changed with
 * {@code ip route change} given back every other printed attribute verbatim (all changes of one
 * family in one {@code ip -batch} process, whose last line lists the family again) and checked
 * against that listing, so that nothing else moves; routes whose attributes cannot be given back
 * are refused.
 */
package dev.tcptune.kernel.route;
