/**
 * Routes and their per-route {@code rto_min}: read with {@code ip -json route}, changed with {@code
 * ip route change} rebuilt from every other attribute so that nothing else moves.
 */
package dev.tcptune.kernel.route;
