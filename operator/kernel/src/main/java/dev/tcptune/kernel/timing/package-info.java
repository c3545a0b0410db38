/** What a set of TCP settings means in seconds: the numbers people actually reason about. */
package dev.tcptune.kernel.timing;
