/**
 * Routes and their per-route {@code rto_min}: read with {@code ip -d route show}, changed with
 * {@code ip route change} given back every other printed attribute verbatim and checked afterwards,
 * so that nothing else moves; routes whose attributes cannot be given back are refused.
 */
package dev.tcptune.kernel.route;
